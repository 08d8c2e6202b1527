"""Web settings declared as data (name, environment variable, default, help text)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from wijkkompas.settings import Setting

WEB_SETTINGS: tuple[Setting, ...] = (
    Setting("host", "WIJKKOMPAS_HOST", "127.0.0.1",
            "Address 'wijkkompas serve' listens on; 127.0.0.1 keeps it on this machine."),
    Setting("port", "WIJKKOMPAS_PORT", "8000", "Port 'wijkkompas serve' listens on."),
    Setting("cache_size", "WIJKKOMPAS_CACHE_SIZE", "64",
            "Number of scored results, tables and map geometries kept in memory."),
    Setting("page_cache_size", "WIJKKOMPAS_PAGE_CACHE_SIZE", "256",
            "Number of finished pages and downloads kept in memory for visitors who are not "
            "logged in (per server process; 0 turns the page cache off). Entries are keyed by "
            "URL, language and data version, so imports and edits are visible at once."),
    Setting("public", "WIJKKOMPAS_PUBLIC", "ja",
            "'ja': anyone may read the pages and the JSON API (public read-only pages; "
            "changes always need an account); 'nee': every page and API answer needs a "
            "login or an API token, except the login page and static files."),
)


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    cache_size: int = 64
    page_cache_size: int = 256
    public: bool = True


def load_web_config(environ: dict[str, str] | None = None, **overrides: object) -> WebConfig:
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for s in WEB_SETTINGS:
        values[s.name] = overrides.get(s.name) or env.get(s.env) or s.default
    return WebConfig(host=str(values["host"]), port=int(str(values["port"])),
                     cache_size=int(str(values["cache_size"])),
                     page_cache_size=int(str(values["page_cache_size"])),
                     public=_yes(values["public"]))


def _yes(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("ja", "yes", "true", "1", "aan"):
        return True
    if text in ("nee", "no", "false", "0", "uit"):
        return False
    from wijkkompas.errors import ConfigError

    raise ConfigError(f"WIJKKOMPAS_PUBLIC={value!r}: kies ja of nee")
