"""CBS StatLine OData client and import, on recorded answers only (tests/fixtures/statline).

A fake StatLine (:class:`RecordedStatLine`) serves the recorded TableInfos, DataProperties,
WijkenEnBuurten and TypedDataSet answers through :class:`httpx.MockTransport`; it applies the
``$filter`` the client sends (``startswith`` on the space-padded region keys), pages with
``odata.nextLink`` and records every request. Nothing here touches the network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from typer.testing import CliRunner

from tests.conftest import table_counts
from wijkkompas.data import statline as statline_mod
from wijkkompas.data.kwb import parse_odata_records, read_kwb
from wijkkompas.data.statline import (
    KWB_TABLES,
    StatLineClient,
    read_statline,
    records_checksum,
    region_filter,
    table_year,
)
from wijkkompas.errors import ConfigError, DataError, NetworkError
from wijkkompas.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "statline"
BASE = "https://opendata.cbs.nl/ODataApi/odata"
FOUR = ["GM0599", "GM0014", "GM0153", "GM0106"]
HINT = "wijkkompas import cbs"
CLAUSE = re.compile(r"startswith\(WijkenEnBuurten,'((?:GM|WK|BU)\d{4})'\)")
KEY_CLAUSE = re.compile(r"startswith\(Key,'((?:GM|WK|BU)\d{4})'\)")

Failure = Callable[[httpx.Request], httpx.Response | None]


def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def _prefixes(flt: str, clause: re.Pattern[str], key: str) -> list[str]:
    found = clause.findall(flt)
    assert found, flt
    # The whole filter must be nothing but these clauses joined by " or ".
    assert flt == " or ".join(f"startswith({key},'{p}')" for p in found), flt
    return found


class RecordedStatLine:
    """A fake StatLine OData v3 service serving the recorded answers."""

    def __init__(self, page_size: int = 40, fail: Failure | None = None) -> None:
        self.page_size = page_size
        self.fail = fail
        self.requests: list[httpx.Request] = []

    def typed(self, table: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith(f"/{table}/TypedDataSet")]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail is not None:
            answer = self.fail(request)
            if answer is not None:
                return answer
        assert request.url.path.startswith("/ODataApi/odata/"), request.url
        table, endpoint = request.url.path.removeprefix("/ODataApi/odata/").split("/")
        params = request.url.params
        assert params.get("$format") == "json"
        if endpoint == "TypedDataSet":
            return self._typed(request, table)
        if endpoint == "WijkenEnBuurten":
            prefixes = _prefixes(params["$filter"], KEY_CLAUSE, "Key")
            path = FIXTURES / f"{table}_WijkenEnBuurten.json"
            rows = _load(path.name)["value"] if path.exists() else []
            return httpx.Response(200, json={"value": [
                r for r in rows if r["Key"].startswith(tuple(prefixes))]})
        path = FIXTURES / f"{table}_{endpoint}.json"
        if not path.exists():
            return httpx.Response(404, text="Not Found")
        return httpx.Response(200, content=path.read_bytes(),
                              headers={"content-type": "application/json;charset=utf-8"})

    def _typed(self, request: httpx.Request, table: str) -> httpx.Response:
        params = request.url.params
        prefixes = tuple(_prefixes(params["$filter"], CLAUSE, "WijkenEnBuurten"))
        records = [r for f in sorted(FIXTURES.glob(f"{table}_TypedDataSet_*.json"))
                   for r in _load(f.name)["value"]]
        rows = [r for r in records if r["WijkenEnBuurten"].startswith(prefixes)]
        if "$select" in params:
            keys = params["$select"].split(",")
            unknown = [k for k in keys if k not in records[0]]
            if unknown:
                return httpx.Response(400, json={"odata.error": {
                    "code": "", "message": {"lang": "nl-NL",
                                            "value": f"Onbekende eigenschap {unknown[0]}"}}})
            rows = [{k: r[k] for k in keys} for r in rows]
        skip = int(params.get("$skip", "0"))
        body: dict[str, Any] = {"value": rows[skip : skip + self.page_size]}
        if skip + self.page_size < len(rows):
            query = {k: v for k, v in params.items() if k != "$skip"}
            query["$skip"] = str(skip + self.page_size)
            body["odata.nextLink"] = f"{BASE}/{table}/TypedDataSet?{urlencode(query)}"
        return httpx.Response(200, json=body)


def client_for(server: RecordedStatLine) -> StatLineClient:
    return StatLineClient(BASE, transport=httpx.MockTransport(server), timeout=5)


@pytest.fixture
def server() -> RecordedStatLine:
    return RecordedStatLine()


# --- the client -----------------------------------------------------------------------------


def test_fixtures_are_small_and_recorded() -> None:
    total = sum(p.stat().st_size for p in FIXTURES.iterdir() if p.is_file())
    assert total < 200 * 1024
    page1 = _load("85984NED_TypedDataSet_1.json")
    assert page1["odata.nextLink"].endswith("$skip=40")
    assert page1["value"][0]["WijkenEnBuurten"] == "GM0106    "  # space-padded like CBS


def test_table_info_and_data_properties(server: RecordedStatLine) -> None:
    with client_for(server) as client:
        info = client.table_info("85984ned")
        props = client.data_properties("85984NED")
    assert info["Identifier"] == "85984NED" and info["Period"] == "2024"
    assert props[0]["Key"] == "WijkenEnBuurten" and props[0]["Type"] == "GeoDetail"
    assert "AantalInwoners_5" in {p["Key"] for p in props}
    assert str(server.requests[0].url) == f"{BASE}/85984NED/TableInfos?%24format=json"


def test_typed_data_set_filters_and_follows_next_link(server: RecordedStatLine) -> None:
    with client_for(server) as client:
        records = client.typed_data_set("85984NED", municipalities=FOUR)
    assert len(records) == 65  # 4 gemeenten + 61 wijken
    first, second = server.typed("85984NED")
    assert first.url.params["$filter"] == (
        "startswith(WijkenEnBuurten,'GM0599') or startswith(WijkenEnBuurten,'WK0599') or "
        "startswith(WijkenEnBuurten,'BU0599') or startswith(WijkenEnBuurten,'GM0014') or "
        "startswith(WijkenEnBuurten,'WK0014') or startswith(WijkenEnBuurten,'BU0014') or "
        "startswith(WijkenEnBuurten,'GM0153') or startswith(WijkenEnBuurten,'WK0153') or "
        "startswith(WijkenEnBuurten,'BU0153') or startswith(WijkenEnBuurten,'GM0106') or "
        "startswith(WijkenEnBuurten,'WK0106') or startswith(WijkenEnBuurten,'BU0106')"
    )
    assert "$skip" not in first.url.params
    assert second.url.params["$skip"] == "40"
    assert second.url.params["$filter"] == first.url.params["$filter"]
    # The served pages are the recorded pages.
    recorded = [r for n in (1, 2) for r in _load(f"85984NED_TypedDataSet_{n}.json")["value"]]
    assert records == recorded


def test_paging_with_small_pages_and_progress() -> None:
    server = RecordedStatLine(page_size=7)
    messages: list[str] = []
    with client_for(server) as client:
        records = client.typed_data_set("85984NED", municipalities=FOUR,
                                        progress=messages.append)
    assert len(records) == 65
    assert len(server.typed("85984NED")) == 10
    assert [int(r.url.params.get("$skip", 0)) for r in server.typed("85984NED")] == list(
        range(0, 65, 7))
    assert messages[-1] == "pagina 10 opgehaald, 65 rijen"
    assert len({r["ID"] for r in records}) == 65


def test_select_is_sent_with_region_key(server: RecordedStatLine) -> None:
    with client_for(server) as client:
        records = client.typed_data_set("85984NED", municipalities=["GM0106"],
                                        select=["AantalInwoners_5", "Mannen_6"])
    assert server.typed("85984NED")[0].url.params["$select"] == (
        "WijkenEnBuurten,AantalInwoners_5,Mannen_6")
    assert set(records[0]) == {"WijkenEnBuurten", "AantalInwoners_5", "Mannen_6"}
    with client_for(server) as client, pytest.raises(DataError, match="Onbekende eigenschap"):
        client.typed_data_set("85984NED", municipalities=["GM0106"], select=["Bestaatniet_9"])


def test_many_municipalities_are_requested_in_chunks(server: RecordedStatLine) -> None:
    codes = [f"GM{n:04d}" for n in range(1, 24)]
    with client_for(server) as client:
        records = client.typed_data_set("85984NED", municipalities=codes)
    assert {r["Codering_3"][:6] for r in records} == {"GM0014", "WK0014"}  # Groningen only
    assert len(server.typed("85984NED")) == 3  # 10 + 10 + 3 municipalities


def test_region_filter_and_input_checks(server: RecordedStatLine) -> None:
    assert region_filter(["GM0599"]) == (
        "startswith(WijkenEnBuurten,'GM0599') or startswith(WijkenEnBuurten,'WK0599') or "
        "startswith(WijkenEnBuurten,'BU0599')"
    )
    with client_for(server) as client:
        with pytest.raises(ConfigError, match="ongeldige gemeentecode"):
            client.typed_data_set("85984NED", municipalities=["Rotterdam"])
        with pytest.raises(ConfigError, match="ten minste één gemeente"):
            client.typed_data_set("85984NED", municipalities=[])
        with pytest.raises(DataError, match="ongeldig tabelnummer"):
            client.table_info("85984NED/../x")
    assert server.requests == []


def test_table_year() -> None:
    assert KWB_TABLES["85984NED"] == 2024 and KWB_TABLES["83765NED"] == 2017
    info = _load("85984NED_TableInfos.json")["value"][0]
    assert table_year("85984NED", info) == 2024  # Period, and the known id agrees
    assert table_year("85618NED") == 2023  # from the id alone
    assert table_year("99999NED", {"Title": "Kerncijfers wijken en buurten 2025"}) == 2025
    assert table_year("99999NED", {"Period": "2025"}) == 2025
    with pytest.raises(DataError, match="hoort bij 2024"):
        table_year("85984NED", {"Period": "2023"})
    with pytest.raises(DataError, match="jaar van tabel 99999NED is onbekend"):
        table_year("99999NED", {"Title": "Bevolking; kerncijfers"})


def test_records_checksum_is_canonical() -> None:
    a = [{"b": 1, "a": "x"}]
    assert records_checksum(a) == records_checksum([{"a": "x", "b": 1}])
    assert records_checksum(a) != records_checksum([{"a": "x", "b": 2}])


# --- reading and importing ------------------------------------------------------------------


def test_read_statline_2024(server: RecordedStatLine) -> None:
    with client_for(server) as client:
        parsed = read_statline(client, "85984NED", FOUR)
    assert parsed.kind == "cbs" and parsed.form == "odata" and parsed.years == [2024]
    assert parsed.source == "CBS StatLine 85984NED: Kerncijfers wijken en buurten 2024"
    obs = parsed.observations.set_index(["area_code", "indicator"])["value"]
    # PROVENANCE.md section 1: totals of the four municipalities.
    assert obs[("GM0599", "a_inw")] == 670_610
    assert obs[("GM0014", "a_inw")] == 243_768
    assert obs[("GM0153", "a_inw")] == 161_738
    assert obs[("GM0106", "a_inw")] == 69_701
    assert set(parsed.observations["indicator"]) == {
        "a_inw", "a_man", "a_vrouw", "a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo",
        "bev_dich", "a_woning", "a_opp_ha", "a_lan_ha", "a_wat_ha"}
    areas = parsed.areas.set_index("area_code")
    assert areas.loc["WK010601", "name"] == "Lariks"
    assert areas.loc["GM0599", "level"] == "municipality"
    # null in the TypedDataSet is "missing", never a number
    assert set(parsed.observations["status"]) <= {"ok", "missing"}


def test_import_statline(workspace: Workspace, server: RecordedStatLine) -> None:
    report = workspace.import_statline("85984NED", FOUR, client=client_for(server))
    assert not report.skipped
    assert report.file == "StatLine 85984NED"
    assert report.years == [2024] and report.regions == 65 and report.indicators == 13
    assert report.inserted == 65 * 13 and report.changed == 0
    obs = workspace.observations(indicators=["a_inw"], years=[2024])["value"]
    assert obs[("GM0599", "a_inw", 2024)] == 670_610
    areas = workspace.areas(municipality="GM0106")
    assert len(areas) == 11 and areas.loc["WK010601", "name"] == "Lariks"
    runs = workspace.import_runs()
    assert runs.iloc[-1]["source"] == "CBS StatLine 85984NED: Kerncijfers wijken en buurten 2024"


def test_year_from_table_id_2017(workspace: Workspace, server: RecordedStatLine) -> None:
    report = workspace.import_statline("83765NED", ["GM0599"], client=client_for(server))
    assert report.years == [2017]  # TableInfos has no Period: the year comes from the id
    assert report.regions == 115  # GM0599, 22 wijken, 92 buurten
    obs = workspace.observations(years=[2017], areas=["GM0599"])["value"]
    ages = ["a_00_14", "a_15_24", "a_25_44", "a_45_64", "a_65_oo"]
    assert sum(obs[("GM0599", a, 2017)] for a in ages) == 634_660
    assert len(workspace.areas(level="neighbourhood", municipality="GM0599")) == 92
    statuses = workspace.observations(years=[2017])["status"].value_counts()
    assert statuses["suppressed"] > 0  # "." in the recorded answer


def test_statline_equals_the_same_records_read_from_a_file(server: RecordedStatLine,
                                                           shared_data: Path) -> None:
    with client_for(server) as client:
        online = read_statline(client, "83765NED", ["GM0599"])
    offline = read_kwb(shared_data / "rotterdam_kwb2017_ikgeo" / "ikgeoData.json", year=2017)
    cols = ["area_code", "indicator", "year", "value", "status"]
    a = online.observations[cols].sort_values(cols[:3]).reset_index(drop=True)
    b = offline.observations[cols].sort_values(cols[:3]).reset_index(drop=True)
    assert a.equals(b)


def test_filter_by_municipality(workspace: Workspace, server: RecordedStatLine) -> None:
    report = workspace.import_statline("85984NED", ["gm0014"], client=client_for(server))
    assert report.regions == 21  # GM0014 and its 20 wijken
    assert server.typed("85984NED")[0].url.params["$filter"] == (
        "startswith(WijkenEnBuurten,'GM0014') or startswith(WijkenEnBuurten,'WK0014') or "
        "startswith(WijkenEnBuurten,'BU0014')"
    )
    codes = set(workspace.observations().index.get_level_values("area_code"))
    assert codes and all(c[2:6] == "0014" for c in codes)


def test_municipality_without_data_warns(workspace: Workspace,
                                         server: RecordedStatLine) -> None:
    report = workspace.import_statline("85984NED", ["GM0106", "GM9999"],
                                       client=client_for(server))
    assert report.regions == 11
    assert any("GM9999" in w for w in report.warnings)
    before = table_counts(workspace)
    with pytest.raises(DataError, match="geen gegevens voor GM9999"):
        workspace.import_statline("85984NED", ["GM9999"], client=client_for(server))
    assert table_counts(workspace) == before


def test_reimport_is_idempotent(workspace: Workspace, server: RecordedStatLine) -> None:
    first = workspace.import_statline("85984NED", FOUR, client=client_for(server))
    counts = table_counts(workspace)
    again = workspace.import_statline("85984NED", FOUR, client=client_for(server))
    assert again.skipped and again.run_id == first.run_id and again.checksum == first.checksum
    assert table_counts(workspace) == counts
    # A different selection is a new answer, but every value is already there.
    subset = workspace.import_statline("85984NED", ["GM0153"], client=client_for(server))
    assert not subset.skipped
    assert (subset.inserted, subset.changed, subset.unchanged) == (0, 0, 11 * 13)
    after = table_counts(workspace)
    assert after["observations"] == counts["observations"]
    assert after["areas"] == counts["areas"]


# --- failures change nothing ----------------------------------------------------------------


def _on_data(answer: Callable[[httpx.Request], httpx.Response], *, skip: str | None = None
             ) -> Failure:
    """Fail the TypedDataSet request (only the page at ``skip``, if given)."""

    def fail(request: httpx.Request) -> httpx.Response | None:
        if not request.url.path.endswith("/TypedDataSet"):
            return None
        if skip is not None and request.url.params.get("$skip") != skip:
            return None
        return answer(request)

    return fail


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


FAILURES = {
    "http500": (_on_data(lambda r: httpx.Response(500, text="Internal Server Error")),
                "HTTP 500"),
    "http503-second-page": (
        _on_data(lambda r: httpx.Response(503, text="Service Unavailable"), skip="40"),
        "HTTP 503"),
    "timeout": (_on_data(_timeout), "geen verbinding met CBS StatLine: geen antwoord binnen"),
    "timeout-second-page": (_on_data(_timeout, skip="40"), "geen antwoord binnen 5 s"),
    "offline": (lambda r: _refused(r), "geen verbinding met CBS StatLine"),
    "html": (_on_data(lambda r: httpx.Response(
        200, text="<html><body>Inloggen</body></html>",
        headers={"content-type": "text/html"})), "geen JSON terug (text/html)"),
    "truncated-json": (_on_data(lambda r: httpx.Response(
        200, text='{"value":[{"ID":1,', headers={"content-type": "application/json"})),
        "geen JSON terug"),
    "not-odata": (_on_data(lambda r: httpx.Response(200, json={"rows": []})),
                  "onverwacht antwoord"),
}


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_network_failures_change_nothing(workspace: Workspace, name: str) -> None:
    workspace.import_statline("83765NED", ["GM0599"], client=client_for(RecordedStatLine()))
    before = table_counts(workspace)
    fail, message = FAILURES[name]
    server = RecordedStatLine(fail=fail)
    with pytest.raises(NetworkError) as info:
        workspace.import_statline("85984NED", FOUR, client=client_for(server))
    assert message in str(info.value)
    assert HINT in str(info.value)
    assert table_counts(workspace) == before


def test_unknown_table_changes_nothing(workspace: Workspace, server: RecordedStatLine) -> None:
    before = table_counts(workspace)
    with pytest.raises(DataError, match="tabel 12345NED bestaat niet bij CBS StatLine"):
        workspace.import_statline("12345NED", ["GM0599"], client=client_for(server))
    assert table_counts(workspace) == before


def test_bad_records_are_a_located_data_error(workspace: Workspace) -> None:
    def broken(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/TypedDataSet"):
            rec = dict(_load("85984NED_TypedDataSet_1.json")["value"][0])
            return httpx.Response(200, json={"value": [rec, rec | {"Mannen_6": "veel"}]})
        return None

    before = table_counts(workspace)
    with pytest.raises(DataError) as info:
        workspace.import_statline("85984NED", ["GM0106"],
                                  client=client_for(RecordedStatLine(fail=broken)))
    assert "StatLine 85984NED" in str(info.value)
    assert table_counts(workspace) == before


def test_parse_odata_records_needs_region_keys() -> None:
    with pytest.raises(DataError, match="geen gegevensrijen"):
        parse_odata_records([], source_name="StatLine X", year=2024)
    with pytest.raises(DataError, match="onbekende vorm"):
        parse_odata_records([{"AantalInwoners_5": 1}], source_name="StatLine X", year=2024)


# --- CLI ------------------------------------------------------------------------------------


def test_cli_import_statline(monkeypatch: pytest.MonkeyPatch, database_url: str,
                             tmp_path: Path) -> None:
    from wijkkompas.cli import app

    server = RecordedStatLine()

    class Recorded(StatLineClient):
        def __init__(self, base_url: str | None = None, **kwargs: Any) -> None:
            super().__init__(base_url, transport=httpx.MockTransport(server), timeout=5)

    monkeypatch.setattr(statline_mod, "StatLineClient", Recorded)
    env = {"WIJKKOMPAS_DATA_DIR": str(tmp_path), "WIJKKOMPAS_USER": "tester"}
    runner = CliRunner()
    args = ["import", "statline", "85984NED", "--gemeente", "GM0599", "--gemeente", "GM0014",
            "--db", database_url]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "StatLine 85984NED" in result.output and "43 (" in result.output
    assert server.requests and all(r.url.host == "opendata.cbs.nl" for r in server.requests)
    again = runner.invoke(app, args, env=env)
    assert again.exit_code == 0 and "al eerder geïmporteerd" in again.output

    server.fail = _on_data(lambda r: httpx.Response(500))
    failed = runner.invoke(app, ["import", "statline", "85984NED", "--gemeente", "GM0153",
                                 "--db", database_url], env=env)
    assert failed.exit_code == 1
    assert "HTTP 500" in failed.output and HINT in failed.output


@pytest.mark.parametrize(("body", "key"), [
    # A record with the region key twice: the later would put the values on another area.
    ('{"value": [{"ID": 1, "WijkenEnBuurten": "GM0106    ", "AantalInwoners_5": 68979, '
     '"WijkenEnBuurten": "GM0599    "}]}', "WijkenEnBuurten"),
    ('{"value": [{"ID": 1, "WijkenEnBuurten": "GM0106    ", "AantalInwoners_5": NaN}]}', "NaN"),
], ids=["duplicate-key", "nan"])
def test_duplicate_keys_in_a_statline_answer_are_refused(workspace: Workspace, body: str,
                                                          key: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/TypedDataSet"):
            return httpx.Response(200, text=body, headers={"content-type": "application/json"})
        return None

    before = table_counts(workspace)
    with pytest.raises(DataError) as info:
        workspace.import_statline("85984NED", ["GM0106"],
                                  client=client_for(RecordedStatLine(fail=answer)))
    assert (info.value.file, info.value.value) == ("StatLine 85984NED", key)
    assert table_counts(workspace) == before


def test_duplicate_records_in_a_statline_answer_are_refused(workspace: Workspace) -> None:
    def twice(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/TypedDataSet"):
            rec = dict(_load("85984NED_TypedDataSet_1.json")["value"][0])
            return httpx.Response(200, json={"value": [rec, rec | {"ID": 99}]})
        return None

    before = table_counts(workspace)
    with pytest.raises(DataError, match="gebied komt meer dan eens voor") as info:
        workspace.import_statline("85984NED", ["GM0106"],
                                  client=client_for(RecordedStatLine(fail=twice)))
    assert info.value.row == 2
    assert table_counts(workspace) == before
