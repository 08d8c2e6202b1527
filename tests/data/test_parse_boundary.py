"""Files that used to crash the importers with a raw traceback (issue 11, point 5): each is
now a located, one-line DataError, and the database is left exactly as it was.

One case per crash class, each with the smallest file that shows it. Every case runs against
one loaded database (on SQLite and on PostgreSQL), so "nothing changed" is checked on a
non-empty store.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, table_counts, workspace_with
from tests.data.test_kwb import CAPYBARA, ODATA_DICT, STATLINE
from wijkkompas.data.guard import load_json
from wijkkompas.errors import DataError
from wijkkompas.workspace import Workspace

GEOJSON = FIXTURES / "fuzz" / "assen_wijken_2022.geojson"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from workspace_with(tmp_path_factory.mktemp("parse_boundary"), CAPYBARA)


# --- the minimal files ---------------------------------------------------------------------


def deep_geojson(folder: Path) -> Path:
    """A GeoJSON whose coordinates are nested 3,000 levels deep (RecursionError)."""
    path = folder / "wijken_2022.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    '"properties": {"statcode": "WK010600"}, "geometry": {"type": "Polygon", '
                    '"coordinates": ' + "[" * 3000 + "]" * 3000 + "}}]}")
    return path


def deep_topojson(folder: Path) -> Path:
    path = folder / "wijken_2022.topojson"
    path.write_text('{"type": "Topology", "objects": {"w": {"type": "GeometryCollection", '
                    '"geometries": [{"type": "Polygon", "arcs": ' + "[" * 3000 + "]" * 3000
                    + ', "properties": {"statcode": "WK010600"}}]}}, "arcs": []}')
    return path


def deep_odata(folder: Path) -> Path:
    path = folder / "odata_2024.json"
    path.write_text('{"GM0106": {"AantalInwoners_5": ' + "[" * 3000 + "]" * 3000 + "}}")
    return path


def huge_int(folder: Path) -> Path:
    """A JSON integer of 4,301 digits (ValueError: exceeds the limit for int conversion)."""
    path = folder / "odata_2024.json"
    path.write_text('{"GM0106": {"AantalInwoners_5": ' + "1" * 4301 + "}}")
    return path


def huge_int_geojson(folder: Path) -> Path:
    data = json.loads(GEOJSON.read_text("utf-8"))
    text = json.dumps(data).replace('"WK010600"', "1" * 4301, 1)
    path = folder / "wijken_2022.geojson"
    path.write_text(text)
    return path


def nan_json(folder: Path) -> Path:
    path = folder / "odata_2024.json"
    path.write_text('{"GM0106": {"AantalInwoners_5": NaN, "Mannen_6": 1}}')
    return path


def huge_cell(folder: Path) -> Path:
    """A CSV whose fourth line holds a cell of 131,073 characters (_csv.Error)."""
    lines = CAPYBARA.read_text("utf-8").split("\n")
    lines[3] = '"' + "x" * 131_073 + '"' + lines[3][lines[3].index(","):]
    path = folder / "kwb_groot.csv"
    path.write_text("\n".join(lines))
    return path


def huge_header_cell(folder: Path) -> Path:
    path = folder / "tabel_2024.csv"
    path.write_text("gebied;" + "k" * 131_073 + "\nGM0106;1\n")
    return path


def bom_then_cp1252(folder: Path) -> Path:
    """UTF-8 BOM, then a cp1252 byte (é = 0xE9) on line 3 (UnicodeDecodeError)."""
    data = STATLINE.read_bytes()
    at = data.index(b'"GM0106 ')
    path = folder / "kwb_2024_bom.csv"
    path.write_bytes(data[:at] + b'"Ass\xe9n";' + data[at:])
    return path


def _workbook(folder: Path, name: str = "tabel_2022.xlsx") -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["gwb_code_10", "a_inw", "year"])
    ws.append(["GM0106", 68979, 2022])
    path = folder / name
    wb.save(path)
    return path


def _rezip(path: Path, change: Callable[[str, bytes], bytes]) -> Path:
    parts = {}
    with zipfile.ZipFile(path) as zin:
        for info in zin.infolist():
            parts[info.filename] = change(info.filename, zin.read(info))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def xlsx_doctype(folder: Path) -> Path:
    """A sheet with a DOCTYPE and an entity used in a cell (xml ParseError or expansion)."""
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e "GM0106">]>'
                    + data.replace(b"<v>68979</v>", b"<v>&e;</v>"))
        return data
    return _rezip(_workbook(folder), change)


def xlsx_entity_in_shared_strings(folder: Path) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return b'<!ENTITY x SYSTEM "file:///etc/passwd">' + data
        return data
    return _rezip(_workbook(folder), change)


def xlsx_bomb(folder: Path) -> Path:
    """An xlsx with a 20 MB sheet of spaces that packs to a few KB (1000:1)."""
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData>", b"<sheetData>" + b" " * (20 << 20))
        return data
    return _rezip(_workbook(folder), change)


def xlsx_row_beyond_excel(folder: Path) -> Path:
    """A row number of 40 digits (openpyxl would walk every empty row up to it: a hang)."""
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b'<row r="2"', b'<row r="' + b"1" * 40 + b'"')
        return data
    return _rezip(_workbook(folder), change)


def xlsx_truncated(folder: Path) -> Path:
    path = _workbook(folder)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def xlsx_bad_member(folder: Path) -> Path:
    """A sound zip directory around a sheet whose compressed bytes are damaged."""
    path = _workbook(folder)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + min(info.compress_size, 60)):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def xls_recursive_directory(folder: Path) -> Path:
    """The fuzzer's mutation #1529 of seed 11 (lines of the BIFF file duplicated): xlrd's
    recursive walk of the compound-document directory ends in a RecursionError."""
    import random

    from tests.data.fuzzing import FORMS, mutate

    form = next(f for f in FORMS if f.name == "xls")
    data, _ = mutate(form, form.path.read_bytes(), random.Random("11:1529"))
    path = folder / form.path.name
    path.write_bytes(data)
    return path


def _shapefile(folder: Path) -> Path:
    gpd = pytest.importorskip("geopandas")
    frame = gpd.read_file(GEOJSON).to_crs("EPSG:28992")[["statcode", "geometry"]]
    out = folder / "shp"
    out.mkdir()
    frame.to_file(out / "wijken_2022.shp")
    return out / "wijken_2022.shp"


def shapefile_bomb(folder: Path) -> Path:
    shp = _shapefile(folder)
    path = folder / "wijken_2022.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part in shp.parent.iterdir():
            z.write(part, part.name)
        z.writestr("leesmij.txt", b"\0" * (40 << 20))
    return path


def shapefile_zip_truncated(folder: Path) -> Path:
    shp = _shapefile(folder)
    path = folder / "wijken_2022.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part in shp.parent.iterdir():
            z.write(part, part.name)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def shapefile_without_shx(folder: Path) -> Path:
    shp = _shapefile(folder)
    shp.with_suffix(".shx").unlink()
    shp.with_suffix(".dbf").unlink()
    return shp


def gpkg_not_sqlite(folder: Path) -> Path:
    path = folder / "wijken_2022.gpkg"
    path.write_bytes(b"SQLite format 3\0" + bytes(range(256)) * 8)
    return path


def garbage_geojson(folder: Path) -> Path:
    path = folder / "wijken_2022.geojson"
    path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4000)))
    return path


def empty(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(b"")
        return path
    return make


def directory(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.mkdir()
        return path
    return make


@dataclass
class Case:
    name: str
    kind: str  # cbs, table or boundaries
    make: Callable[[Path], Path]
    message: str
    row: int | None = None


CASES = [
    Case("GeoJSON nested 3,000 levels", "boundaries", deep_geojson, "te diep genest", row=1),
    Case("TopoJSON nested 3,000 levels", "boundaries", deep_topojson, "te diep genest", row=1),
    Case("OData JSON nested 3,000 levels", "cbs", deep_odata, "te diep genest", row=1),
    Case("JSON integer of 4,301 digits", "cbs", huge_int, "4.301 cijfers"),
    Case("GeoJSON integer of 4,301 digits", "boundaries", huge_int_geojson, "4.301 cijfers"),
    Case("JSON NaN", "cbs", nan_json, "NaN is geen geldig JSON-getal"),
    Case("CSV cell over 131,072 characters (cbs)", "cbs", huge_cell, "131.072 tekens", row=4),
    Case("CSV cell over 131,072 characters (table)", "table", huge_cell, "131.072 tekens",
         row=4),
    Case("CSV header cell over 131,072 characters", "table", huge_header_cell,
         "131.072 tekens", row=1),
    Case("UTF-8 BOM then a cp1252 byte (cbs)", "cbs", bom_then_cp1252, "BOM", row=3),
    Case("UTF-8 BOM then a cp1252 byte (table)", "table", bom_then_cp1252, "BOM", row=3),
    Case("xlsx with DOCTYPE and entity (table)", "table", xlsx_doctype, "DOCTYPE-declaratie"),
    Case("xlsx with DOCTYPE and entity (cbs)", "cbs", xlsx_doctype, "DOCTYPE-declaratie"),
    Case("xlsx with an external entity", "table", xlsx_entity_in_shared_strings,
         "ENTITY-declaratie"),
    Case("xlsx zip bomb", "table", xlsx_bomb, "zip-bom"),
    Case("xlsx row number beyond Excel's grid", "table", xlsx_row_beyond_excel,
         "buiten het bereik van Excel"),
    Case("xlsx truncated", "table", xlsx_truncated, "zip-archief"),
    Case("xlsx truncated (cbs)", "cbs", xlsx_truncated, "zip-archief"),
    Case("xlsx with a damaged sheet stream", "table", xlsx_bad_member, "Excel-bestand"),
    Case("xls whose directory entries loop", "table", xls_recursive_directory,
         "Excel-bestand is niet te lezen"),
    Case("shapefile zip bomb", "boundaries", shapefile_bomb, "zip-bom"),
    Case("shapefile zip bomb (cbs attributes)", "cbs", shapefile_bomb, "zip-bom"),
    Case("shapefile zip truncated", "boundaries", shapefile_zip_truncated, "zip-archief"),
    Case("shapefile without .shx and .dbf", "boundaries", shapefile_without_shx, "niet te lezen"),
    Case("GeoPackage that is no SQLite database", "boundaries", gpkg_not_sqlite,
         "niet te lezen"),
    Case("binary garbage as GeoJSON", "boundaries", garbage_geojson, "JSON"),
    Case("empty GeoJSON", "boundaries", empty("wijken_2022.geojson"), "leeg"),
    Case("empty GeoPackage", "boundaries", empty("wijken_2022.gpkg"), "leeg"),
    Case("empty xlsx", "table", empty("tabel_2022.xlsx"), "zip-archief"),
    Case("empty OData JSON", "cbs", empty("odata_2024.json"), "leeg"),
    Case("a directory (boundaries)", "boundaries", directory("wijken_2022.geojson"), "map"),
    Case("a directory (table)", "table", directory("tabel_2022.csv"), "map"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_crash_class_is_a_located_error(loaded: Workspace, tmp_path: Path, case: Case) -> None:
    path = case.make(tmp_path)
    run = {"cbs": loaded.import_cbs, "table": loaded.import_table,
           "boundaries": loaded.import_boundaries}[case.kind]
    before = table_counts(loaded)
    with pytest.raises(DataError) as info:
        run(path)
    err = info.value
    assert case.message in err.message, str(err)
    assert err.file in (path.name, str(path)), str(err)
    assert "\n" not in str(err) and "Traceback" not in str(err)
    if case.row is not None:
        assert err.row == case.row, str(err)
    assert table_counts(loaded) == before


def test_load_json_keeps_normal_json() -> None:
    data = ODATA_DICT.read_bytes()
    assert load_json(data, file="x") == json.loads(data)
    assert load_json("[-12, 1e308, null]", file="x") == [-12, 1e308, None]
    with pytest.raises(DataError, match="Infinity"):
        load_json("[-Infinity]", file="x")


def test_data_error_is_always_one_line() -> None:
    err = DataError("Error tokenizing data.\nC error: Expected 4 fields", file="t.csv",
                    column="kop\nregel")
    assert "\n" not in str(err) and "\r" not in str(err)
    assert str(err) == "t.csv, kolom 'kop\\nregel': Error tokenizing data. C error: Expected 4 fields"


def test_quote_storm_does_not_stall_the_delimiter_sniffer(loaded: Workspace,
                                                          tmp_path: Path) -> None:
    """The fuzzer's mutation #1411 of seed 11: a line of 15,000 characters of ``{"a":`` made
    csv.Sniffer's regular expressions run for over a minute (quadratic in the sample)."""
    import time

    path = tmp_path / "tabel_2021.csv"
    path.write_text("gebied;jaar;indicator;waarde\nGM0106;2021;a_inw;68836\n"
                    + '{"a":' * 3000 + "\n", "utf-8")
    before = table_counts(loaded)
    started = time.perf_counter()
    with pytest.raises(DataError) as info:
        loaded.import_table(path)
    assert time.perf_counter() - started < 20
    assert info.value.row == 3
    assert table_counts(loaded) == before
