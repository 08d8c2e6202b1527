"""CBS StatLine OData (v3) client for the Kerncijfers Wijken en Buurten tables.

StatLine serves every table at ``{base}/{table_id}/...``:

``TableInfos``       title, period and status of the table (one record)
``DataProperties``   the topics (columns) with keys such as ``AantalInwoners_5``
``WijkenEnBuurten``  the region dimension: ``Key`` (space-padded code) and ``Title`` (name)
``TypedDataSet``     the data, one record per region, in pages linked by ``odata.nextLink``

Region keys are padded with spaces to ten characters (``"GM0599    "``, ``"WK059901  "``,
``"BU05990110"``), so a municipality and everything in it is selected with
``startswith(WijkenEnBuurten,'GM0599') or startswith(WijkenEnBuurten,'WK0599') or
startswith(WijkenEnBuurten,'BU0599')``.

The records are parsed by :func:`wijkkompas.data.kwb.parse_odata_records`, exactly like a
saved OData JSON file, so the indicator catalogue maps the keys. Nothing here touches the
database; tests serve recorded answers through :class:`httpx.MockTransport`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from wijkkompas.data.catalogue import Catalogue
from wijkkompas.data.guard import load_json
from wijkkompas.data.kwb import parse_odata_records
from wijkkompas.data.parsed import ParsedData
from wijkkompas.data.validate import unique_keys
from wijkkompas.errors import ConfigError, DataError, NetworkError
from wijkkompas.formatting import count

#: KWB table ids and the year they describe. ``verified``: checked against data in
#: ``shared/data/raw`` (85984NED: TableInfos.json Period "2024"; 84583NED: the Den Haag 2019
#: extract; 83765NED: inferred from population totals of Rotterdam on 1 January 2017).
#: The others are taken from CBS's table catalogue (opendata.cbs.nl) and not checked here.
KWB_TABLES: dict[str, int] = {
    "85984NED": 2024,  # verified (TableInfos.json, Period 2024)
    "85618NED": 2023,  # CBS catalogue
    "85318NED": 2022,  # CBS catalogue
    "85039NED": 2021,  # CBS catalogue
    "84799NED": 2020,  # CBS catalogue
    "84583NED": 2019,  # verified (denhaag_kwb2019_dhzw, file name and values)
    "84286NED": 2018,  # CBS catalogue
    "83765NED": 2017,  # verified by inference (rotterdam_kwb2017_ikgeo population totals)
    "83487NED": 2016,  # CBS catalogue
}

OFFLINE_HINT = "werk je offline? importeer dan een gedownload bestand met 'wijkkompas import cbs'"
NO_CONNECTION = f"geen verbinding met CBS StatLine; {OFFLINE_HINT}"

TABLE_ID = re.compile(r"^\d{5}[A-Z]{3}$")
MUNICIPALITY = re.compile(r"^GM\d{4}$")
_YEAR = re.compile(r"^\s*((?:19|20)\d{2})(?:JJ00)?\s*$")
_TITLE_YEAR = re.compile(r"wijken en buurten\s+((?:19|20)\d{2})\b", re.IGNORECASE)
#: Municipalities per TypedDataSet request, to keep the ``$filter`` (and the URL) short.
MUNICIPALITIES_PER_REQUEST = 10
MAX_PAGES = 1_000

Progress = Callable[[str], None]


def normalise_table_id(table_id: str) -> str:
    """``"85984ned "`` -> ``"85984NED"``; anything that is no StatLine table id is refused."""
    tid = str(table_id).strip().upper()
    if not TABLE_ID.match(tid):
        raise DataError(
            "ongeldig tabelnummer voor CBS StatLine (verwacht vijf cijfers en drie letters, "
            "bijv. 85984NED)",
            value=table_id,
        )
    return tid


def normalise_municipalities(codes: Iterable[str]) -> list[str]:
    """Upper-case, strip and de-duplicate municipality codes (``GM0599``), keeping order."""
    out: list[str] = []
    for raw in codes:
        code = str(raw).strip().upper()
        if code.isdigit() and len(code) == 4:
            code = "GM" + code
        if not MUNICIPALITY.match(code):
            raise ConfigError(
                f"ongeldige gemeentecode {raw!r}: verwacht GM gevolgd door vier cijfers, "
                "bijv. GM0599"
            )
        if code not in out:
            out.append(code)
    if not out:
        raise ConfigError("geef ten minste één gemeente op, bijv. --gemeente GM0599")
    return out


def region_filter(municipalities: Sequence[str], key: str = "WijkenEnBuurten") -> str:
    """The OData ``$filter`` selecting the municipalities with their wijken and buurten."""
    parts = [
        f"startswith({key},'{prefix}{code[2:]}')"
        for code in municipalities
        for prefix in ("GM", "WK", "BU")
    ]
    return " or ".join(parts)


def table_year(table_id: str, info: dict[str, Any] | None = None) -> int:
    """The year a KWB table describes: from ``Period`` in TableInfos, else from the known
    table ids, else from a title such as "Kerncijfers wijken en buurten 2024"."""
    tid = normalise_table_id(table_id)
    info = info or {}
    known = KWB_TABLES.get(tid)
    m = _YEAR.match(str(info.get("Period") or ""))
    if m:
        period = int(m.group(1))
        if known is not None and known != period:
            raise DataError(
                f"tabel {tid} hoort bij {known}, maar CBS StatLine meldt periode {period}",
                file=f"StatLine {tid}",
            )
        return period
    if known is not None:
        return known
    m = _TITLE_YEAR.search(str(info.get("Title") or ""))
    if m:
        return int(m.group(1))
    raise DataError(
        f"het jaar van tabel {tid} is onbekend (geen periode in TableInfos); is dit een tabel "
        "Kerncijfers wijken en buurten?",
        file=f"StatLine {tid}",
    )


def records_checksum(records: list[dict[str, Any]]) -> str:
    """sha256 of the canonical JSON of the records (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(records, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StatLineClient:
    """A small, synchronous client of the CBS StatLine OData v3 API.

    Every failure becomes a :class:`~wijkkompas.errors.NetworkError` (no connection,
    time-out, server error, an answer that is no JSON) or a
    :class:`~wijkkompas.errors.DataError` (unknown table, refused query) with a Dutch message.
    """

    def __init__(self, base_url: str | None = None, *,
                 transport: httpx.BaseTransport | None = None, timeout: float = 30) -> None:
        if base_url is None:
            from wijkkompas.settings import load_settings

            base_url = load_settings().statline_url
        if not base_url:
            raise ConfigError("geen adres voor CBS StatLine ingesteld (WIJKKOMPAS_STATLINE_URL)")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": "wijkkompas"},
            follow_redirects=True,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> StatLineClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- requests --------------------------------------------------------------------------

    def _get_json(self, url: str, params: dict[str, str] | None, *, table_id: str) -> Any:
        try:
            response = self._http.get(url, params=params)
        except httpx.TimeoutException:
            raise NetworkError(
                f"geen verbinding met CBS StatLine: geen antwoord binnen {self.timeout:g} s "
                f"({self.base_url}); {OFFLINE_HINT}"
            ) from None
        except httpx.HTTPError as exc:
            raise NetworkError(
                f"geen verbinding met CBS StatLine ({self.base_url}: {type(exc).__name__}); "
                f"{OFFLINE_HINT}"
            ) from None
        status = response.status_code
        if status == 404:
            raise DataError(
                f"tabel {table_id} bestaat niet bij CBS StatLine (HTTP 404); controleer het "
                "tabelnummer, bijv. 85984NED voor Kerncijfers wijken en buurten 2024",
                file=f"StatLine {table_id}",
            )
        if 400 <= status < 500:
            raise DataError(
                f"CBS StatLine weigert de vraag (HTTP {status}): {_odata_message(response)}",
                file=f"StatLine {table_id}",
            )
        if status >= 300:
            raise NetworkError(
                f"CBS StatLine gaf een fout (HTTP {status}) bij {response.request.url.path}; "
                "probeer het later opnieuw of importeer een gedownload bestand met "
                "'wijkkompas import cbs'"
            )
        try:
            # A key given twice (two records under one id, a field twice) would let the later
            # value win without a word: refused like in a saved OData file.
            data = load_json(response.content, file=f"StatLine {table_id}",
                             object_pairs_hook=unique_keys)
        except DataError as exc:
            raise exc.located(file=f"StatLine {table_id}") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            kind = response.headers.get("content-type", "onbekend type").split(";")[0]
            raise NetworkError(
                f"CBS StatLine gaf geen JSON terug ({kind}); zit er een proxy of inlogpagina "
                f"tussen? {OFFLINE_HINT}"
            ) from None
        if isinstance(data, dict) and "odata.error" in data:
            raise DataError(
                f"CBS StatLine meldt een fout: {_odata_message(response)}",
                file=f"StatLine {table_id}",
            )
        return data

    def _get_values(self, url: str, params: dict[str, str] | None, *, table_id: str,
                    progress: Progress | None = None) -> list[dict[str, Any]]:
        """GET an OData collection and follow ``odata.nextLink`` until the last page."""
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        pages = 0
        next_url: str | None = url
        next_params = params
        while next_url is not None:
            data = self._get_json(next_url, next_params, table_id=table_id)
            if not isinstance(data, dict) or not isinstance(data.get("value"), list):
                raise NetworkError(
                    "CBS StatLine gaf een onverwacht antwoord (geen OData-lijst 'value'); "
                    f"{OFFLINE_HINT}"
                )
            out.extend(r for r in data["value"] if isinstance(r, dict))
            pages += 1
            if progress:
                progress(f"pagina {pages} opgehaald, {count(len(out))} rijen")
            link = data.get("odata.nextLink")
            if link and (link in seen or pages >= MAX_PAGES):
                raise NetworkError(
                    "CBS StatLine blijft naar dezelfde of steeds meer pagina's verwijzen; "
                    "afgebroken"
                )
            if link:
                seen.add(link)
            next_url, next_params = (link or None), None
        return out

    # --- public API -----------------------------------------------------------------------

    def table_info(self, table_id: str) -> dict[str, Any]:
        """The TableInfos record (``Title``, ``Identifier``, ``Period``, ``Modified`` ...)."""
        tid = normalise_table_id(table_id)
        values = self._get_values(f"{tid}/TableInfos", {"$format": "json"}, table_id=tid)
        if not values:
            raise DataError(f"tabel {tid} bestaat niet bij CBS StatLine",
                            file=f"StatLine {tid}")
        return values[0]

    def data_properties(self, table_id: str) -> list[dict[str, Any]]:
        """The DataProperties records: dimensions, topic groups and topics (with ``Key``)."""
        tid = normalise_table_id(table_id)
        return self._get_values(f"{tid}/DataProperties", {"$format": "json"}, table_id=tid)

    def region_names(self, table_id: str, *, municipalities: list[str]) -> dict[str, str]:
        """Region code -> name from the ``WijkenEnBuurten`` dimension, for the municipalities
        with their wijken and buurten."""
        tid = normalise_table_id(table_id)
        names: dict[str, str] = {}
        for chunk in _chunks(normalise_municipalities(municipalities)):
            params = {"$format": "json", "$filter": region_filter(chunk, key="Key")}
            for rec in self._get_values(f"{tid}/WijkenEnBuurten", params, table_id=tid):
                key, title = str(rec.get("Key") or "").strip(), str(rec.get("Title") or "")
                if key and title.strip():
                    names[key] = title.strip()
        return names

    def typed_data_set(self, table_id: str, *, municipalities: list[str],
                       select: list[str] | None = None,
                       progress: Progress | None = None) -> list[dict[str, Any]]:
        """All TypedDataSet records of the municipalities and their wijken and buurten,
        following ``odata.nextLink`` paging. ``select`` limits the topics (keys such as
        ``AantalInwoners_5``); the region key is always included."""
        tid = normalise_table_id(table_id)
        records: list[dict[str, Any]] = []
        for chunk in _chunks(normalise_municipalities(municipalities)):
            params = {"$format": "json", "$filter": region_filter(chunk)}
            if select:
                keys = ["WijkenEnBuurten", *(k for k in select if k != "WijkenEnBuurten")]
                params["$select"] = ",".join(dict.fromkeys(keys))
            records.extend(self._get_values(f"{tid}/TypedDataSet", params, table_id=tid,
                                            progress=progress))
        return records


def _chunks(codes: list[str]) -> list[list[str]]:
    step = MUNICIPALITIES_PER_REQUEST
    return [codes[i : i + step] for i in range(0, len(codes), step)]


def _odata_message(response: httpx.Response) -> str:
    try:
        err = response.json().get("odata.error", {})
        message = err.get("message", {})
        text = message.get("value") if isinstance(message, dict) else str(message)
    except (ValueError, AttributeError):
        text = response.text
    text = " ".join(str(text or "").split())
    return (text[:200] + "...") if len(text) > 200 else (text or "geen toelichting")


# --- reading a table ------------------------------------------------------------------------


@dataclass
class StatLineResult:
    """What was fetched from StatLine for one import: table info, year, records and names."""

    table_id: str
    info: dict[str, Any]
    year: int
    municipalities: list[str]
    records: list[dict[str, Any]]
    names: dict[str, str] = field(default_factory=dict)

    @property
    def checksum(self) -> str:
        return records_checksum(self.records)


def fetch_statline(client: StatLineClient, table_id: str, municipalities: Iterable[str], *,
                   select: list[str] | None = None,
                   progress: Progress | None = None) -> StatLineResult:
    """Fetch TableInfos, the region names and the TypedDataSet records of the municipalities."""
    tid = normalise_table_id(table_id)
    codes = normalise_municipalities(municipalities)
    if progress:
        progress(f"tabel {tid} opvragen bij CBS StatLine")
    info = client.table_info(tid)
    year = table_year(tid, info)
    records = client.typed_data_set(tid, municipalities=codes, select=select, progress=progress)
    if not records:
        raise DataError(
            f"tabel {tid} ({year}) heeft geen gegevens voor {', '.join(codes)}; bestond de "
            "gemeente in dat jaar al (herindelingen veranderen gemeentecodes)?",
            file=f"StatLine {tid}",
        )
    names = client.region_names(tid, municipalities=codes)
    return StatLineResult(table_id=tid, info=info, year=year, municipalities=codes,
                          records=records, names=names)


def parse_statline(result: StatLineResult, *, catalogue: Catalogue | None = None) -> ParsedData:
    """Parse fetched records into :class:`ParsedData` (form ``odata``), with area names."""
    source_name = f"StatLine {result.table_id}"
    parsed = parse_odata_records(result.records, source_name=source_name, year=result.year,
                                 catalogue=catalogue)
    if result.names:
        named = parsed.areas["area_code"].map(result.names)
        parsed.areas["name"] = named.astype(object).where(named.notna(), None)
    present = {str(c)[2:6] for c in parsed.areas["area_code"]}
    absent = [c for c in result.municipalities if c[2:] not in present]
    if absent:
        parsed.warnings.append(
            f"geen gegevens in tabel {result.table_id} voor {', '.join(absent)} (bestond de "
            "gemeente in dat jaar?)"
        )
    title = result.info.get("Title") or result.info.get("ShortTitle") or ""
    parsed.source = f"CBS StatLine {result.table_id}" + (f": {title}" if title else "")
    return parsed


def read_statline(client: StatLineClient, table_id: str, municipalities: Iterable[str], *,
                  select: list[str] | None = None, catalogue: Catalogue | None = None,
                  progress: Progress | None = None) -> ParsedData:
    """Fetch and parse a KWB table for some municipalities (their wijken and buurten too)."""
    result = fetch_statline(client, table_id, municipalities, select=select, progress=progress)
    return parse_statline(result, catalogue=catalogue)
