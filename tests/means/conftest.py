"""A small workspace for the means tests: six Assen wijken with inhabitants and two indicators,
a two-opgave framework (one where a low score is the priority, one where a high score is)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import workspace_with
from wijkkompas.workspace import Workspace

#: code -> (inhabitants 2021, inhabitants 2022, p_hh_li, p_arb_pp)
WIJKEN = {
    "WK010600": (4000, 4100, 50.0, 60.0),
    "WK010601": (2000, 2000, 40.0, 70.0),
    "WK010602": (6000, 6100, 30.0, 55.0),
    "WK010603": (3000, 2900, 30.0, 65.0),  # ties WK010602 on p_hh_li: same urgentie score
    "WK010604": (5000, 5000, 20.0, 75.0),
    "WK010605": (1000, 1100, 10.0, 50.0),
}

FRAMEWORK = """format_version: 1
id: klein
name: Klein kader
level: district
municipalities: [GM0106]
reference: {type: areas_mean}
priority: {type: top_n, n: 2, labels: [focus, overig]}
opgaven:
  - code: urgentie
    name: Urgentie
    priority_when: low
    themes:
      - {code: inkomen, name: Inkomen, indicators: [{code: p_hh_li, direction: higher_better}]}
  - code: potentie
    name: Potentie
    priority_when: high
    themes:
      - {code: werk, name: Werk, indicators: [{code: p_arb_pp}]}
"""


def _cbs_file(folder: Path, year: int) -> Path:
    path = folder / f"kwb-{year}.csv"
    lines = ["gwb_code_10,regio,a_inw,p_hh_li,p_arb_pp", "GM0106,Assen,70000,30,65"]
    for code, (inw21, inw22, li, arb) in WIJKEN.items():
        lines.append(f"{code},Wijk {code[-2:]},{inw21 if year == 2021 else inw22},{li},{arb}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def means_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The workspace (module-scoped: tests must not change it; importing tests use their own)."""
    folder = tmp_path_factory.mktemp("means")
    yield from workspace_with(folder, _cbs_file(folder, 2021), _cbs_file(folder, 2022))


@pytest.fixture
def framework_file(tmp_path: Path) -> Path:
    path = tmp_path / "klein.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    return path


@pytest.fixture
def cbs_ws(workspace: Workspace, tmp_path: Path) -> Workspace:
    """A fresh workspace with the six wijken (for tests that import)."""
    workspace.import_cbs(_cbs_file(tmp_path, 2022))
    return workspace
