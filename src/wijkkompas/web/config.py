"""Web settings declared as data (name, environment variable, default, help text)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from wijkkompas.settings import Setting

WEB_SETTINGS: tuple[Setting, ...] = (
    Setting("host", "WIJKKOMPAS_HOST", "127.0.0.1",
            "Address 'wijkkompas serve' listens on; 127.0.0.1 keeps it on this machine."),
    Setting("port", "WIJKKOMPAS_PORT", "8000", "Port 'wijkkompas serve' listens on."),
    Setting("cache_size", "WIJKKOMPAS_CACHE_SIZE", "256",
            "Number of scored results, tables and map geometries kept in memory."),
    Setting("page_cache_size", "WIJKKOMPAS_PAGE_CACHE_SIZE", "256",
            "Number of finished pages and downloads kept in memory for visitors who are not "
            "logged in (per server process; 0 turns the page cache off). Entries are keyed by "
            "URL, language and data version, so imports and edits are visible at once."),
    Setting("response_cache", "WIJKKOMPAS_RESPONSE_CACHE", "ja",
            "'ja': keep finished responses for visitors who are not logged in (the page "
            "cache above); 'nee' (also 0 or 'uit'): every request is rendered from the "
            "cached computations, as for logged-in users ('wijkkompas serve "
            "--no-response-cache')."),
    Setting("public", "WIJKKOMPAS_PUBLIC", "ja",
            "'ja': anyone may read the pages and the JSON API (public read-only pages; "
            "changes always need an account); 'nee': every page and API answer needs a "
            "login or an API token, except the login page and static files."),
    Setting("max_body_bytes", "WIJKKOMPAS_MAX_BODY_BYTES", "1MB",
            "Largest request body for forms and JSON (and any body that is not an upload); "
            "bytes, or with kB/MB/GB. A larger one is refused with 413 before it is parsed."),
    Setting("max_upload_bytes", "WIJKKOMPAS_MAX_UPLOAD_BYTES", "20MB",
            "Largest upload (multipart/form-data, e.g. an agenda workbook); bytes, or with "
            "kB/MB/GB. A larger one is refused with 413 while it streams in."),
    Setting("max_import_rows", "WIJKKOMPAS_MAX_IMPORT_ROWS", "50000",
            "Most rows read from one sheet of a workbook uploaded on the web; reading stops "
            "there and the import is refused with 413."),
    Setting("trusted_proxies", "WIJKKOMPAS_TRUSTED_PROXIES", "",
            "Comma-separated addresses (or networks, e.g. 10.0.0.0/8) of reverse proxies "
            "whose X-Forwarded-For header names the client. Empty: X-Forwarded-For is "
            "ignored and the connecting address is the client (login limits per source)."),
    Setting("background_map", "WIJKKOMPAS_ACHTERGRONDKAART", "",
            "Tile URL of a background map under the national map, with {z}, {x} and {y}, "
            "e.g. https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/"
            "EPSG:3857/{z}/{x}/{y}.png (PDOK BRT). Empty (default): no background map and "
            "nothing is loaded from elsewhere; when set, the browser loads those tiles and "
            "the Content-Security-Policy allows that one origin for images."),
)


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    cache_size: int = 256
    page_cache_size: int = 256
    response_cache: bool = True
    public: bool = True
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    max_import_rows: int = 50_000
    trusted_proxies: tuple[str, ...] = ()
    background_map: str | None = None


def load_web_config(environ: dict[str, str] | None = None, **overrides: object) -> WebConfig:
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for s in WEB_SETTINGS:
        given = overrides.get(s.name)
        values[s.name] = given if given is not None and given != "" else \
            (env.get(s.env) or s.default)
    return WebConfig(host=str(values["host"]), port=int(str(values["port"])),
                     cache_size=int(str(values["cache_size"])),
                     page_cache_size=int(str(values["page_cache_size"])),
                     response_cache=_yes(values["response_cache"],
                                         "WIJKKOMPAS_RESPONSE_CACHE"),
                     public=_yes(values["public"]),
                     max_body_bytes=parse_size(values["max_body_bytes"], "max_body_bytes"),
                     max_upload_bytes=parse_size(values["max_upload_bytes"],
                                                 "max_upload_bytes"),
                     max_import_rows=_positive(values["max_import_rows"], "max_import_rows"),
                     trusted_proxies=_proxies(values["trusted_proxies"]),
                     background_map=_tile_url(values["background_map"]))


UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024 ** 2, "mb": 1024 ** 2,
         "g": 1024 ** 3, "gb": 1024 ** 3}


def parse_size(value: object, name: str = "size") -> int:
    """``"20MB"``, ``"512 kB"``, ``"1048576"`` -> bytes (binary units)."""
    import re

    if isinstance(value, int) and not isinstance(value, bool):
        number, unit = float(value), ""
    else:
        found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", str(value))
        if not found or found.group(2).lower() not in UNITS:
            from wijkkompas.errors import ConfigError

            raise ConfigError(f"{name}={value!r}: geef een aantal bytes, bijv. 1048576 of 20MB")
        number, unit = float(found.group(1)), found.group(2).lower()
    size = int(number * UNITS[unit])
    if size <= 0:
        from wijkkompas.errors import ConfigError

        raise ConfigError(f"{name}={value!r}: moet groter dan 0 zijn")
    return size


def _tile_url(value: object) -> str | None:
    """An https tile URL template with {z}, {x} and {y}, or None when empty."""
    from urllib.parse import urlsplit

    text = str(value or "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    if (parts.scheme != "https" or not parts.hostname or len(text) > 500
            or any(k not in text for k in ("{z}", "{x}", "{y}"))
            or any(c in text for c in "\"'<> ;")):
        from wijkkompas.errors import ConfigError

        raise ConfigError(f"background_map={text!r}: geef een https-adres met {{z}}, {{x}} "
                          "en {y}, bijv. https://service.pdok.nl/.../{z}/{x}/{y}.png")
    return text


def tile_origin(url: str) -> str:
    """``https://host[:port]`` of a tile URL (for the Content-Security-Policy)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _positive(value: object, name: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) <= 0:
        from wijkkompas.errors import ConfigError

        raise ConfigError(f"{name}={value!r}: geef een positief geheel getal")
    return int(text)


def _proxies(value: object) -> tuple[str, ...]:
    """Proxy addresses or networks; each is checked now, so a typo fails at start-up."""
    import ipaddress

    if isinstance(value, list | tuple):
        items = [str(v).strip() for v in value]
    else:
        items = [v.strip() for v in str(value or "").split(",")]
    out = []
    for item in filter(None, items):
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            from wijkkompas.errors import ConfigError

            raise ConfigError(f"trusted_proxies: {item!r} is geen IP-adres of netwerk"
                              ) from None
        out.append(item)
    return tuple(out)


def _yes(value: object, name: str = "WIJKKOMPAS_PUBLIC") -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("ja", "yes", "true", "1", "aan"):
        return True
    if text in ("nee", "no", "false", "0", "uit"):
        return False
    from wijkkompas.errors import ConfigError

    raise ConfigError(f"{name}={value!r}: kies ja of nee")
