"""Settings declared as data, read from the environment by a factory (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "WIJKKOMPAS_DATABASE_URL",
        None,
        "SQLAlchemy URL of the database; default: SQLite file wijkkompas.sqlite in the data dir.",
    ),
    Setting(
        "data_dir",
        "WIJKKOMPAS_DATA_DIR",
        None,
        "Folder for the default SQLite database and caches; default: ~/.local/share/wijkkompas.",
    ),
    Setting(
        "user",
        "WIJKKOMPAS_USER",
        None,
        "Name recorded in import runs and the audit trail; default: the login name.",
    ),
    Setting(
        "statline_url",
        "WIJKKOMPAS_STATLINE_URL",
        "https://opendata.cbs.nl/ODataApi/odata",
        "Base URL of the CBS StatLine OData API.",
    ),
)


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "wijkkompas"


def _default_user() -> str:
    for var in ("USER", "USERNAME", "LOGNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:  # the login name from the password database (no environment in services, cron)
        import getpass

        return getpass.getuser()
    except (ImportError, KeyError, OSError):
        return "onbekend"


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    user: str
    statline_url: str = "https://opendata.cbs.nl/ODataApi/odata"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name != "extra"]


def load_settings(environ: dict[str, str] | None = None, **overrides: str | None) -> Settings:
    """Build :class:`Settings` from ``environ`` (default ``os.environ``) and explicit overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, str | None] = {}
    for s in SETTINGS:
        values[s.name] = overrides.get(s.name) or env.get(s.env) or s.default
    data_dir = Path(values["data_dir"]) if values["data_dir"] else _default_data_dir()
    url = values["database_url"] or sqlite_url(data_dir / "wijkkompas.sqlite")
    return Settings(
        database_url=url,
        data_dir=data_dir,
        user=values["user"] or _default_user(),
        statline_url=values["statline_url"] or "",
    )


def sqlite_url(path: str | os.PathLike[str]) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def as_database_url(target: str | os.PathLike[str]) -> str:
    """Accept a SQLAlchemy URL or a path to a SQLite file."""
    text = str(target)
    if "://" in text:
        return text
    return sqlite_url(text)
