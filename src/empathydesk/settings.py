"""Every setting EmpathyDesk takes from the environment, each declared once: its variable, flag and default.

`settings()` reads the current environment each time it is called (it is cheap), so a page sees what its
kernel was given and a test sees what it set. `empathydesk workshop` hands its apps their settings by these
names (`as_env`); the apps take the secret ones out of the environment once read (`take`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "EMPATHYDESK_"


def _setting(default: Any, meaning: str, flag: str | None = None) -> Any:
    return Field(default, description=meaning, json_schema_extra={"flag": flag} if flag else None)


class Settings(BaseSettings):
    """The settings, one field each: `EMPATHYDESK_<FIELD>` in the environment."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, str_strip_whitespace=True, frozen=True)

    root: Path | None = _setting(None, "the folder holding assessments/, notebooks/ and workshop/ "
                                       "(default: the copy one works in, else the source checkout, else the copy "
                                       "pip installed)")
    content: Path | None = _setting(None, "the folder of content files (default: assessments/ in the root)")
    data: Path | None = _setting(None, "the folder for the SQLite database and the workshop's logs "
                                       "(default: data/ in the root as found, else this user's data folder)")
    db_url: str | None = _setting(None, "database URL (default: empathydesk.sqlite in the data folder)", "--db")
    cohort: str | None = _setting(None, "the workshop's cohort, for its pages and dashboard", "workshop --cohort")
    join_url: str | None = _setting(None, "the participant app's address, for the facilitator's pages",
                                    "workshop --host/--port")
    hosted: bool = _setting(False, "pages are served by `empathydesk workshop`'s participant app")
    template: str | None = _setting(None, "the Voilà template the page uses (`empathydesk` carries the stylesheet)")
    facilitator_key: SecretStr | None = _setting(None, "the facilitator app's key (taken out of the environment once read)")
    signin_code: SecretStr | None = _setting(None, "the facilitator's one-time sign-in code (taken out)")
    kernel_secret: SecretStr | None = _setting(None, "a preheated kernel's secret for fetching its visitor (taken out)")
    strict: bool = _setting(False, "a piece that fails while being built raises instead of showing 'Sorry' (for tests)")
    # JupyterHub (empathydesk.hub): the pages on a user's server, and the EmpathyDesk service the hub starts
    api_url: str | None = _setting(None, "the EmpathyDesk hub service's API, set on a JupyterHub user's server: the pages "
                                         "read and save through it with the user's own hub token and open no database")
    hub_cohort_prefix: str = _setting("cohort-", "hub service: the hub groups whose name starts with this are cohorts")
    hub_open_cohort: str | None = _setting(None, "hub service: the cohort of a signed-in user in no cohort group "
                                                 "(default: none, they are asked to see their facilitator)")
    hub_show_username: bool = _setting(False, "hub service: facilitators see each person's hub username beside "
                                              "the name they chose")

    @field_validator("cohort", "join_url", "db_url", "api_url", "hub_open_cohort", mode="after")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None


def settings() -> Settings:
    """The settings as the environment gives them now."""
    return Settings()


def env_name(field: str) -> str:
    """The environment variable of a setting: `db_url` -> `EMPATHYDESK_DB_URL`."""
    if field not in Settings.model_fields:
        raise KeyError(f"there is no setting {field!r}")
    return PREFIX + field.upper()


def as_env(**values: str | bool) -> dict[str, str]:
    """Settings as environment variables for a child process: `as_env(hosted=True)` -> {"EMPATHYDESK_HOSTED": "1"}."""
    return {env_name(k): ("1" if v else "0") if isinstance(v, bool) else str(v) for k, v in values.items()}


def take(field: str) -> str | None:
    """A secret setting's value, removed from this process's environment so nothing started later sees it."""
    value = getattr(settings(), field)
    os.environ.pop(env_name(field), None)
    return value.get_secret_value() if value is not None else None
