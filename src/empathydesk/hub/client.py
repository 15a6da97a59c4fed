"""The pages' store on a JupyterHub user's server: the EmpathyDesk service's API, with the user's own token.

`ApiStore` offers the `Store` methods the pages call (`widgets`, `identity`, `joining`, the pieces), each one
a request to the service (`empathydesk.hub.service`) at `EMPATHYDESK_API_URL` with the token the hub gave
this server ($JUPYTERHUB_API_TOKEN, which `Spawner.server_token_scopes` lets reach the service). The server
holds no database URL or password: what the token can do is read and save this user's own answers.

The participant is the hub user's: `local_participant()` is theirs once they have joined (None before),
`participant_by_token` finds nobody (no personal links on the hub). The service ignores any participant id
a page passes and uses the caller's; a page asking for someone else's answers gets PermissionError.
Errors come back as the store's own: JoinError, StorageError (with the message to show), ValueError.
"""

from __future__ import annotations

import http.client
import inspect
import json
import os
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from empathydesk.hub import wire
from empathydesk.kinds import answer_writers
from empathydesk.settings import settings
from empathydesk.storage import Answers, Cohort, JoinError, Participant, StorageError

TOKEN_VARIABLE = "JUPYTERHUB_API_TOKEN"
UNREACHABLE = ("We can't reach the workshop's service just now, so your answer was not saved. "
               "Please try again in a minute, or tell the facilitator.")
NO_IMPORT_PARTS = "Loading a saved file here adds its answers to yours."
TIMEOUT = 30.0


class ApiError(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(f"HTTP {status} {kind}: {message}")
        self.status, self.kind, self.message = status, kind, message


class ApiStore:
    """The `Store` methods of a page, over the EmpathyDesk service's REST API."""

    def __init__(self, api_url: str, token: str, timeout: float = TIMEOUT) -> None:
        parts = urlsplit(api_url.rstrip("/") + "/")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"EMPATHYDESK_API_URL must be an http(s) address, not {api_url!r}")
        self.scheme, self.host, self.port, self.path = parts.scheme, parts.hostname, parts.port, parts.path
        self._token = token
        self.timeout = timeout
        self._local = threading.local()
        self._me: dict[str, Any] | None = None

    @classmethod
    def from_environment(cls) -> ApiStore:
        """The client this server's pages use: `EMPATHYDESK_API_URL`, the hub's token for this server."""
        url = settings().api_url
        token = os.environ.get(TOKEN_VARIABLE, "")
        if not url or not token:
            raise StorageError("This page can't reach the workshop's service: it is not set up for this server. "
                               "Please tell the facilitator.")
        return cls(url, token)

    def __repr__(self) -> str:  # never the token
        return f"ApiStore({self.scheme}://{self.host}:{self.port}{self.path})"

    # --- HTTP ------------------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            connection = kind(self.host, self.port, timeout=self.timeout)
            self._local.connection = connection
        return connection

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
        self._local.connection = None

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """The service's JSON answer to `method path` (relative to the API's address); errors raised."""
        payload = None if body is None else wire.dumps(body).encode("utf-8")
        headers = {"Authorization": f"token {self._token}", "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):  # a kept-alive connection the service closed meanwhile: once more, anew
            try:
                connection = self._connection()
                connection.request(method, self.path + path, body=payload, headers=headers)
                response = connection.getresponse()
                status, text = response.status, response.read()
                break
            except (http.client.HTTPException, ConnectionError, OSError) as error:
                self._drop()
                if attempt == 2 or not isinstance(error, (http.client.RemoteDisconnected, ConnectionResetError,
                                                          BrokenPipeError, http.client.CannotSendRequest)):
                    raise StorageError(UNREACHABLE) from error
        if status >= 400:
            raise self._error(status, text)
        return wire.loads(text) if text else None

    @staticmethod
    def _error(status: int, text: bytes) -> Exception:
        try:
            data = json.loads(text)
            kind, message = str(data.get("error", "")), str(data.get("message", ""))
        except (ValueError, AttributeError):
            kind, message = "HTTPError", text.decode("utf-8", "replace")[:200]
        if kind == "JoinError":
            return JoinError(message)
        if kind == "StorageError" or status >= 500:
            return StorageError(message or UNREACHABLE)
        if kind == "ValueError":
            return ValueError(message)
        if status == 403:
            return PermissionError(message)
        return ApiError(status, kind, message)

    # --- who ---------------------------------------------------------------------------------------------

    def whoami(self, fresh: bool = False) -> dict[str, Any]:
        """The service's `api/me`: {"user", "participant", "cohort", "cohorts", "facilitates"} (kept once read)."""
        if self._me is None or fresh:
            self._me = self.request("GET", "me")
        return self._me

    def _mine(self) -> Participant | None:
        return wire.participant_from(self.whoami()["participant"])

    def _check(self, pid: int) -> None:
        mine = self._mine()
        if mine is None or mine.id != pid:
            raise PermissionError("A page can read and save only its own user's answers.")

    def local_participant(self) -> Participant | None:
        """This hub user's participant; None until they join."""
        if self._me is not None and self._me.get("participant") is None:
            self.whoami(fresh=True)  # they may have joined on another page since
        return self._mine()

    def participant_by_token(self, token: str) -> Participant | None:
        return None  # no personal links on the hub

    def participant(self, participant_id: int) -> Participant | None:
        mine = self._mine()
        return mine if mine is not None and mine.id == participant_id else None

    def display_name(self) -> str | None:
        participant = self.whoami()["participant"]
        return participant["display_name"] if participant else None

    def cohort(self, name: str) -> Cohort | None:
        found = wire.cohort_from(self.whoami()["cohort"])
        return found if found is not None and found.name == name else None

    def participants(self, cohort_name: str) -> list[Participant]:
        """Only yourself (as the facilitator sees your name): a participant sees nobody else."""
        mine = self._mine()
        if mine is None or mine.cohort != cohort_name:
            return []
        return [Participant(mine.id, self.display_name() or mine.pseudonym, "", mine.cohort, mine.consent,
                            mine.created_at)]

    def join(self, join_code: str, display_name: str, cohort: str | None = None, consent: bool | None = None) -> Participant:
        """Join under the name chosen; `cohort` (or, from a page asking for a code, `join_code`) names one of
        the user's cohort groups, or none when they are in one only."""
        self._me = self.request("POST", "me", {"name": display_name, "cohort": cohort or join_code or None,
                                               "consent": consent})
        joined = self._mine()
        assert joined is not None
        return joined

    def set_consent(self, participant_id: int, consent: bool) -> None:
        self._check(participant_id)
        self.request("PUT", "me/consent", {"consent": bool(consent)})
        self._me = None

    # --- answers -------------------------------------------------------------------------------------------

    def answers(self, pid: int) -> Answers:
        self._check(pid)
        return wire.answers_from(self.request("GET", "me/answers"))

    def ratings(self, pid: int) -> Mapping[str, Mapping[str, int]]:
        return self.answers(pid).ratings

    def scenario_attempts(self, pid: int) -> Mapping[str, Any]:
        return self.answers(pid).scenario_attempts

    def exercise_attempts(self, pid: int) -> Mapping[str, Any]:
        return self.answers(pid).exercise_attempts

    def reflections(self, pid: int) -> Mapping[str, str]:
        return self.answers(pid).reflections

    def save(self, method: str, pid: int, *args: Any, **kwargs: Any) -> Any:
        """Save an answer with the `Store` method `method` (one of `kinds.answer_writers`), on the service."""
        from empathydesk.storage import Store

        self._check(pid)
        bound = inspect.signature(getattr(Store, method)).bind(None, pid, *args, **kwargs)
        arguments = {k: v for k, v in list(bound.arguments.items())[2:]}
        return self.request("POST", f"me/answers/{method}", arguments)["result"]

    def save_rating(self, pid: int, checkpoint_id: str, item_id: str, value: int, version: int | None = None) -> None:
        self.save("save_rating", pid, checkpoint_id, item_id, value, version)

    def add_scenario_attempt(self, pid: int, scenario_id: str, option_index: int) -> int:
        return self.save("add_scenario_attempt", pid, scenario_id, option_index)

    def add_exercise_attempt(self, pid: int, exercise_id: str, text: str, review: dict[str, Any]) -> int:
        return self.save("add_exercise_attempt", pid, exercise_id, text, review)

    def save_reflection(self, pid: int, reflection_id: str, text: str) -> None:
        self.save("save_reflection", pid, reflection_id, text)

    def add_piece_answer(self, pid: int, kind: str, key: str, value: Any, replace: bool = False) -> int:
        return self.save("add_piece_answer", pid, kind, key, value, replace)

    def __getattr__(self, name: str) -> Any:
        """Any other answer writer a kind names (`Kind.saves`), saved the same way."""
        if name.startswith("_") or name not in answer_writers():
            raise AttributeError(name)
        return lambda pid, *args, **kwargs: self.save(name, pid, *args, **kwargs)

    # --- drafts (where the store keeps them) ----------------------------------------------------------------

    def drafts(self, pid: int) -> dict[str, tuple[str, datetime]]:
        self._check(pid)
        try:
            found = self.request("GET", "me/drafts")
        except ApiError as error:
            if error.status == 404:
                return {}
            raise
        return {key: (text, when) for key, (text, when) in found.items()}

    def save_draft(self, pid: int, key: str, text: str) -> datetime:
        self._check(pid)
        return self.request("PUT", f"me/drafts/{quote(key, safe='')}", {"text": text})["saved"]

    def clear_draft(self, pid: int, key: str) -> None:
        self._check(pid)
        self.request("DELETE", f"me/drafts/{quote(key, safe='')}")

    # --- the progress file ------------------------------------------------------------------------------

    def export_participant(self, pid: int, content: Any = None) -> dict[str, Any]:
        self._check(pid)
        return self.request("GET", "me/export")

    def import_participant(self, data: Any, cohort: str | None = None, content: Any = None) -> Participant:
        """A saved progress file, merged into your answers on the service (checked there against the course)."""
        from empathydesk import progress_file

        if isinstance(data, progress_file.ProgressFile):
            data = data.to_data()
        if self._mine() is None:
            raise JoinError("Join first (on the first page), then load your saved file.")
        self._me = self.request("POST", "me/import", {"file": data})
        imported = self._mine()
        assert imported is not None
        return imported

    def progress(self) -> dict[str, Any]:
        return self.request("GET", "me/progress")
