"""The four presets score the demo data (built once per module on the test database: SQLite by
default, PostgreSQL when ``WIJKKOMPAS_TEST_DATABASE_URL`` is set)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import fresh_database_url
from wijkkompas.data.catalogue import load_catalogue
from wijkkompas.framework.presets import preset_names, preset_path
from wijkkompas.framework.schema import load_framework
from wijkkompas.services.data.demo import build_demo
from wijkkompas.services.framework.scoring import score_workspace
from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace

PRESETS = ["assen", "enschede", "groningen", "rotterdam"]


def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database URL with the demo data set imported: a SQLite file, or a fresh schema in
    the PostgreSQL test database (dropped afterwards)."""
    folder = tmp_path_factory.mktemp("demo")
    with fresh_database_url(folder) as url:
        settings = load_settings({}, data_dir=str(folder / "data"), user="tester")
        ws = Workspace.open(url, settings=settings)
        try:
            build_demo(ws)
        finally:
            ws.close()
        yield url


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from demo_database(tmp_path_factory)


@pytest.fixture(scope="module")
def results(demo_url: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Every preset scored once on the demo workspace."""
    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("data")), user="tester")
    ws = Workspace.open(demo_url, settings=settings)
    try:
        yield {name: score_workspace(ws, name) for name in PRESETS}
    finally:
        ws.close()


def test_presets_are_the_four_reference_models() -> None:
    assert preset_names() == PRESETS
    for name in PRESETS:
        fw = load_framework(name)
        assert fw.id == name
        assert fw.modelled_on, name
        path = preset_path(name)
        assert path is not None
        first = path.read_text("utf-8").splitlines()[0]
        assert first.startswith("# Gemodelleerd naar") and "geen kopie" in first, first


@pytest.mark.parametrize("name", PRESETS)
def test_preset_uses_no_sensitive_indicator(name: str) -> None:
    fw = load_framework(name)
    cat = load_catalogue()
    used = set(fw.indicator_codes()) | {s.denominator for s in fw.indicator_specs().values()
                                        if s.denominator}
    used.add(fw.screen.population_indicator)
    unknown = sorted(c for c in used if c not in cat)
    assert not unknown, f"{name}: niet in de catalogus: {unknown}"
    sensitive = sorted(c for c in used if cat[c].sensitive)
    assert not sensitive, f"{name} gebruikt gevoelige indicatoren: {sensitive}"


@pytest.mark.parametrize("name", PRESETS)
def test_preset_scores_the_demo_and_gives_a_priority_list(results, name: str) -> None:  # noqa: ANN001
    result = results[name]
    fw = result.framework
    assert result.years
    labels = fw.priority.tier_labels()
    for op in fw.opgaven:
        ranking = result.ranking(op.code)
        assert ranking["score"].notna().sum() >= 5, (name, op.code)
        prioritised = ranking[ranking["tier"].isin(labels[:-1])]
        assert len(prioritised) > 0, (name, op.code)
        scope = result.areas
        assert set(scope["level"]) == {fw.level}
        assert set(scope["municipality_code"]) == set(fw.municipalities)
    assert result.comparable_over_time
    assert result.data_fingerprint


@pytest.mark.parametrize("name", PRESETS)
def test_every_area_can_be_explained(results, name: str) -> None:  # noqa: ANN001
    result = results[name]
    year = result.years[-1]
    scored = result.scores.xs(year, level="year")
    for op in result.framework.opgaven:
        for area in scored.index[scored[op.code].notna()]:
            ex = result.explain(area, op.code)
            assert ex.summary().startswith(f"{ex.name} ({area})")
            total = ex.contributions["contribution"].sum()
            assert total == pytest.approx(ex.score - ex.reference_score, abs=1e-6)


def test_rotterdam_reference_is_100(results) -> None:  # noqa: ANN001
    result = results["rotterdam"]
    assert result.framework.steps.normalise.method == "zindex"
    for op in result.framework.opgaven:
        assert result.reference_scores[op.code] == pytest.approx(100.0)
    # the scores spread around the city average (100)
    scores = result.scores["sociaal"].dropna()
    assert scores.min() < 100 < scores.max()


def test_enschede_koppelkansen(results) -> None:  # noqa: ANN001
    result = results["enschede"]
    summary = result.koppelkansen_summary()
    assert len(summary) > 0
    assert summary["gebieden"].sum() > 0
    table = result.koppelkansen()
    assert set(table.columns) >= {"name", "urgentie", "potentie", "count", "opgaven"}


def test_assen_scores_wijken_and_selects_a_first_wave(results) -> None:  # noqa: ANN001
    result = results["assen"]
    assert result.framework.level == "district"  # the demo has no buurt-level social data
    tiers = result.tiers.xs(result.years[-1], level="year")["sociaal"]
    assert (tiers == "eerste golf").sum() >= 3
