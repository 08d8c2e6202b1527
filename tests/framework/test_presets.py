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
        # the last peiljaar with data for this opgave (crime figures stop in 2017, say)
        scored = result.scores[op.code].notna().groupby(level="year").sum()
        ranking = result.ranking(op.code, int(scored.index[scored > 0][-1]))
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


def test_assen_scores_buurten_and_selects_a_first_wave(results) -> None:  # noqa: ANN001
    result = results["assen"]
    assert result.framework.level == "neighbourhood"  # Mijn Buurt Assen works per buurt
    tiers = result.tiers.xs(result.years[-1], level="year")["sociaal"]
    assert (tiers == "eerste golf").sum() >= 3


# --- buurt level: every preset, both levels, pinned top tiers --------------------------------

LEVELS = ("wijk", "buurt")


@pytest.fixture(scope="module")
def by_level(demo_url: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    settings = load_settings({}, data_dir=str(tmp_path_factory.mktemp("data")), user="tester")
    ws = Workspace.open(demo_url, settings=settings)
    try:
        yield {(name, level): score_workspace(ws, name, level=level)
               for name in PRESETS for level in LEVELS}
    finally:
        ws.close()


def _top(result, opgave: str, year: int) -> set[str]:  # noqa: ANN001
    tiers = result.tiers.xs(year, level="year")[opgave]
    first = result.framework.priority.tier_labels()[0]
    return set(result.areas["name"].reindex(tiers.index[tiers == first]))


@pytest.mark.parametrize("name", PRESETS)
def test_both_levels_rank_in_at_least_two_peiljaren(by_level, name: str) -> None:  # noqa: ANN001
    for level in LEVELS:
        result = by_level[(name, level)]
        op = result.framework.opgaven[0].code
        with_tiers = [y for y in result.years if _top(result, op, y)]
        assert len(with_tiers) >= 2, (name, level, result.years)
        assert result.source_years is not None


@pytest.mark.parametrize("name", PRESETS)
def test_no_small_or_business_area_in_a_priority_tier(by_level, name: str) -> None:  # noqa: ANN001
    from wijkkompas.framework.tiers import NO_TIER

    for level in LEVELS:
        result = by_level[(name, level)]
        labels = result.framework.priority.tier_labels()
        population = result.assessment["population"]
        for op in result.framework.opgaven:
            tier = result.tiers[op.code]
            priority = tier.isin(labels[:-1])
            assert (population[priority] >= 500).all(), (name, level, op.code)
            assert tier[result.assessment["reason"].notna()].isin([NO_TIER, None]).all()
            # a first tier is a minority of the assessed areas, every year
            assessed = tier.notna() & (tier != NO_TIER)
            share = (tier[assessed] == labels[0]).groupby(level="year").mean()
            assert (share <= 0.4 + 1e-9).all(), (name, level, op.code, share.to_dict())


# The top tier of each preset at buurt level in the last peiljaar, on the demo data. A change to
# a preset, an indicator or the demo data that moves these is a visible, reviewed change: update
# the list here and the comparison in docs/afwegingskader.md together.
PINNED_BUURT_TOP = {
    ("rotterdam", "sociaal"): {
        "Feijenoord", "Afrikaanderwijk", "Bloemhof", "Tussendijken", "Oud Crooswijk",
        "Bospolder", "Hillesluis", "Wielewaal", "Witte Dorp", "Tarwewijk"},
    ("groningen", "sociaal"): {
        "Bloemenbuurt", "De Hoogte", "Vogelbuurt", "Vinkhuizen-Zuid", "Indische buurt",
        "Beijum-Oost", "Selwerd", "Paddepoel-Zuid", "Lewenborg-Noord", "De Wijert",
        "Paddepoel-Noord", "Vinkhuizen-Noord", "Corpus den Hoorn", "Tuinwijk", "Kostverloren",
        "Lewenborg-Zuid", "Hoogkerk Dorp", "Binnenstad-Oost", "Badstratenbuurt",
        "Binnenstad-Zuid"},
    ("enschede", "urgentie"): {
        "Pathmos", "Wesselerbrink Noord-Oost", "Twekkelerveld", "Wesselerbrink Zuid-Oost", "City",
        "Wesselerbrink Zuid-West", "Stevenfenne", "De Bothoven", "Deppenbroek", "Mekkelholt",
        "Wesselerbrink Noord-West", "Hogeland-Noord", "Veldkamp-Getfert-West", "Stadsveld-Zuid",
        "Dolphia"},
    ("assen", "sociaal"): {"Luchiesland Noord", "Baggelhuizen Noord", "Koopmanskwartier"},
}
PINNED_WIJK_TOP = {
    ("rotterdam", "sociaal"): {"Feijenoord"},
    ("groningen", "sociaal"): {"Noordwest", "Oosterparkwijk", "Oud-Noord", "Noordoost",
                               "Zuidwest"},
    ("groningen", "fysiek"): {"Ten Post e.o.", "Noordwest", "Oud-Noord", "Oosterparkwijk",
                              "Centrum"},
    ("enschede", "urgentie"): {"Wijk 00 Binnensingelgebied", "Wijk 03 Twekkelerveld - T.H.T.",
                               "Wijk 02 Boswinkel - Stadsveld"},
    ("assen", "sociaal"): {"Lariks", "Noorderpark", "Pittelo"},
}


@pytest.mark.parametrize(("level", "pinned"), [("buurt", PINNED_BUURT_TOP),
                                               ("wijk", PINNED_WIJK_TOP)])
def test_top_tiers_are_pinned(by_level, level: str, pinned: dict) -> None:  # noqa: ANN001
    for (name, opgave), expected in pinned.items():
        result = by_level[(name, level)]
        assert _top(result, opgave, result.years[-1]) == expected, (name, level, opgave)


def test_the_demo_designated_areas_lead_the_buurt_rankings(by_level) -> None:  # noqa: ANN001
    # Face validity (docs/afwegingskader.md): five of the seven NPRZ focus neighbourhoods and the
    # Groningen wijkvernieuwing buurten sit in the top tier; no village or business area does.
    nprz = {"Afrikaanderwijk", "Bloemhof", "Carnisse", "Feijenoord", "Hillesluis",
            "Oud Charlois", "Tarwewijk"}
    rotterdam = by_level[("rotterdam", "buurt")]
    assert len(nprz & _top(rotterdam, "sociaal", rotterdam.years[-1])) >= 5
    groningen = by_level[("groningen", "buurt")]
    top = _top(groningen, "sociaal", groningen.years[-1])
    assert {"De Hoogte", "Indische buurt", "Selwerd", "Vinkhuizen-Zuid", "Beijum-Oost",
            "Lewenborg-Noord", "De Wijert"} <= top
    assert not any(n.startswith(("Glimmen", "Haren", "Buitengebied")) for n in top)
    for (name, level), result in by_level.items():
        for op in result.framework.opgaven:
            assert not any("Bedrijventerrein" in n or "bedrijfsterrein" in n.lower()
                           for n in _top(result, op.code, result.years[-1])), (name, level)
