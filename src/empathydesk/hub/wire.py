"""The store's records as JSON and back: what the hub service sends and its API client reads.

Times travel as ``{"$time": "<ISO 8601>"}`` so that they come back as `datetime` (an exercise attempt's
``created_at``, a draft's time); everything else is plain JSON. A participant travels without their link
token: on the hub nobody needs one.
"""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import datetime
from typing import Any

from empathydesk.storage import Answers, Cohort, Participant

TIME = "$time"


def plain(value: Any) -> Any:
    """`value` with its times tagged and its records, tuples, sets and numpy/pandas scalars made plain JSON."""
    if isinstance(value, datetime):
        return {TIME: value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and callable(value.item) and type(value).__module__ == "numpy":
        return plain(value.item())
    return value


def revive(value: Any) -> Any:
    """What `plain` made, with its times back as `datetime`."""
    if isinstance(value, dict):
        if set(value) == {TIME}:
            return datetime.fromisoformat(value[TIME])
        return {k: revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [revive(v) for v in value]
    return value


def dumps(value: Any) -> str:
    return json.dumps(plain(value), ensure_ascii=False)


def loads(text: str | bytes) -> Any:
    return revive(json.loads(text or "null"))


def participant_data(participant: Participant, display_name: str | None = None) -> dict[str, Any]:
    """A participant for the API: no link token; `display_name` is the name the facilitator sees."""
    data = plain(participant)
    data.pop("token", None)
    data["display_name"] = display_name or participant.pseudonym
    return data


def participant_from(data: dict[str, Any] | None) -> Participant | None:
    if not data:
        return None
    data = revive(data)
    return Participant(id=data["id"], pseudonym=data["pseudonym"], token="", cohort=data["cohort"],
                       consent=bool(data["consent"]), created_at=data["created_at"])


def cohort_data(cohort: Cohort) -> dict[str, Any]:
    """A cohort for a participant of it: its name and modules (not its join code: nobody types one here)."""
    data = plain(cohort)
    data.pop("join_code", None)
    return data


def cohort_from(data: dict[str, Any] | None) -> Cohort | None:
    if not data:
        return None
    data = revive(data)
    return Cohort(id=data["id"], name=data["name"], join_code="", modules=list(data["modules"]),
                  created_at=data["created_at"], locked=bool(data.get("locked", False)))


def answers_from(data: dict[str, Any]) -> Answers:
    data = revive(data)
    known = {f.name for f in dataclasses.fields(Answers)}
    return Answers(**{k: v for k, v in data.items() if k in known})
