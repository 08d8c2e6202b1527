"""Any number of areas imports (issue 11, point 5): a national buurt table and larger.

SQLite refuses more than 32,766 bound variables per statement ("too many SQL variables", at
260,000 codes before the fix) and psycopg more than 65,535; PostgreSQL plans an IN list of
thousands of parameters very slowly. The store reads and writes large code sets in batches
(SQLite) or as one array parameter (PostgreSQL).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import table_counts
from wijkkompas.data.load import IN_CHUNK, select_in
from wijkkompas.errors import DataError
from wijkkompas.store.models import Area, AreaYear, Observation
from wijkkompas.workspace import Workspace

N_BUURTEN = 300_000
WIJK_PARTS = [f"{a}{b}" for a in "0123456789ABCDEFGHJK" for b in "0123456789ABCDE"]  # 300


def national_table(folder: Path, n: int = N_BUURTEN) -> Path:
    """``n`` buurten (100 per wijk, 30 wijken per gemeente, wijk parts with letters as CBS
    uses them since 2024), one value each: far more areas than the Netherlands has."""
    lines = ["buurt;score"]
    i = 0
    for gm in range(1, 10_000):
        for wk in WIJK_PARTS[:30]:
            for bu in range(100):
                lines.append(f"BU{gm:04d}{wk}{bu:02d};{i % 997},{i % 10}")
                i += 1
                if i == n:
                    path = folder / "buurten_2024.csv"
                    path.write_text("\n".join(lines) + "\n", "utf-8")
                    return path
    raise AssertionError("unreachable")  # pragma: no cover


@pytest.mark.slow
def test_national_buurt_table_imports(workspace: Workspace, tmp_path: Path) -> None:
    path = national_table(tmp_path)
    started = time.perf_counter()
    report = workspace.import_table(path)
    took = time.perf_counter() - started
    wijken, gemeenten = N_BUURTEN // 100, N_BUURTEN // 3_000
    assert report.regions == N_BUURTEN and report.inserted == N_BUURTEN
    assert report.new_areas == N_BUURTEN + wijken + gemeenten
    with workspace.engine.connect() as conn:
        by_level = dict(conn.execute(select(Area.level, func.count()).group_by(Area.level)).all())
        assert by_level == {"neighbourhood": N_BUURTEN, "district": wijken,
                            "municipality": gemeenten}
        assert conn.execute(select(func.count()).select_from(AreaYear)).scalar_one() == N_BUURTEN
        assert conn.execute(select(func.count()).select_from(Observation)).scalar_one() \
            == N_BUURTEN
    areas = workspace.areas(municipality="GM0100")
    assert areas.loc["BU01001E99", "parent_code"] == "WK01001E"
    assert areas.loc["WK01001E", "parent_code"] == "GM0100"
    # The same areas again with other values: every one is compared and replaced.
    changed = tmp_path / "again"
    changed.mkdir()
    text = path.read_text("utf-8").replace(";1", ";2")
    (changed / path.name).write_text(text, "utf-8")
    again = workspace.import_table(changed / path.name)
    assert again.new_areas == 0 and again.inserted == 0
    assert again.changed + again.unchanged == N_BUURTEN and again.changed > 0
    print(f"{N_BUURTEN:,} buurten imported in {took:.1f} s")  # noqa: T201 - shown with -s


def test_select_in_crosses_the_chunk_size(workspace: Workspace, tmp_path: Path) -> None:
    n = IN_CHUNK * 2 + 7
    path = national_table(tmp_path, n)
    workspace.import_table(path)
    codes = [f"BU{gm:04d}{wk}{bu:02d}" for gm in range(1, 10) for wk in WIJK_PARTS[:30]
             for bu in range(100)][:n]
    with workspace.engine.connect() as conn:
        rows = select_in(conn, select(Area.code, Area.id), Area.code,
                         [*codes, *codes[:50], "BU9999ZZ99"])
        assert len(rows) == n and {r.code for r in rows} == set(codes)
        assert select_in(conn, select(Area.code), Area.code, []) == []


def test_large_bad_file_changes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    path = national_table(tmp_path, 50_000)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("BU0001XX;1\n")  # the last line is no code
    before = table_counts(workspace)
    with pytest.raises(DataError, match="gebiedscode") as info:
        workspace.import_table(path, code_column="buurt")
    assert info.value.row == 50_002
    assert table_counts(workspace) == before
