"""The shipped indicator catalogue (wijkkompas/data/catalogue.yaml)."""

from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml
from sqlalchemy import String

from wijkkompas.data.catalogue import (
    DIRECTIONS,
    FORMS,
    KINDS,
    Catalogue,
    _parse,
    load_catalogue,
    normalise_title,
    odata_base,
)
from wijkkompas.errors import ConfigError
from wijkkompas.store.models import Indicator


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def raw() -> dict:
    text = resources.files("wijkkompas.data").joinpath("catalogue.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_shipped_catalogue_loads(cat: Catalogue) -> None:
    assert len(cat.indicators) > 50
    assert "a_inw" in cat and cat["a_inw"].label_nl == "Aantal inwoners"


def test_every_indicator_is_complete(cat: Catalogue) -> None:
    for ind in cat.indicators.values():
        assert ind.theme in cat.themes, ind.code
        assert ind.kind in KINDS and ind.direction in DIRECTIONS, ind.code
        assert ind.direction_note.strip(), f"{ind.code}: direction_note ontbreekt"
        assert ind.label_nl.strip() and ind.label_en.strip() and ind.unit.strip(), ind.code
        if ind.source is None or ind.source.startswith("CBS"):
            assert ind.names, f"{ind.code}: a CBS indicator without source names"
        assert set(ind.names) <= set(FORMS)


def test_records_fit_the_database_columns(cat: Catalogue) -> None:
    columns = Indicator.__table__.columns
    for ind in cat.indicators.values():
        for key, value in ind.as_record().items():
            col_type = columns[key].type
            if isinstance(value, str) and isinstance(col_type, String) and col_type.length:
                assert len(value) <= col_type.length, (ind.code, key, value)


MIGRATION = re.compile(r"herkomst|migratie|westers|marokk|antill|surinam|turk", re.I)


def test_migration_background_is_sensitive(cat: Catalogue) -> None:
    hits = [ind for ind in cat.indicators.values() if MIGRATION.search(ind.label_nl)]
    assert len(hits) >= 10
    for ind in hits:
        assert ind.sensitive, f"{ind.code} ({ind.label_nl}) moet sensitive zijn"
    # And nothing else is flagged by accident.
    for ind in cat.indicators.values():
        if ind.sensitive:
            assert MIGRATION.search(ind.label_nl), ind.code


def test_denominators_exist_and_are_counts(cat: Catalogue) -> None:
    with_denominator = [ind for ind in cat.indicators.values() if ind.denominator]
    assert with_denominator
    for ind in with_denominator:
        assert ind.denominator in cat, ind.code
        assert cat[ind.denominator].kind == "count", ind.code
        assert ind.denominator != ind.code


def test_codes_and_names_do_not_collide(raw: dict) -> None:
    codes = [i["code"] for i in raw["indicators"]]
    assert len(codes) == len(set(codes))
    for form in FORMS:
        seen: dict[str, str] = {}
        for ind in raw["indicators"]:
            for name in set((ind.get("names") or {}).get(form, [])):
                key = normalise_title(name) if form == "statline" else name.strip().lower()
                assert seen.setdefault(key, ind["code"]) == ind["code"], (form, name)


def test_colliding_names_are_refused(raw: dict) -> None:
    raw["indicators"][1]["names"]["kwb"] = ["a_inw"]  # a_man claims the name of a_inw
    with pytest.raises(ConfigError, match="a_inw"):
        _parse(raw)


def test_unknown_denominator_is_refused(raw: dict) -> None:
    raw["indicators"][1]["denominator"] = "bestaat_niet"
    with pytest.raises(ConfigError, match="bestaat_niet"):
        _parse(raw)


def test_missing_direction_is_refused(raw: dict) -> None:
    del raw["indicators"][0]["direction"]
    with pytest.raises(ConfigError, match="direction"):
        _parse(raw)


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("AantalInwoners_5", "a_inw"),
        ("AantalInwoners_11", "a_inw"),  # other tables number the keys differently
        ("k_65JaarOfOuder_12", "a_65_oo"),
        ("Bevolkingsdichtheid_33", "bev_dich"),
        ("Bevolkingsdichtheid_34", "bev_dich"),
        ("GemiddeldeHuishoudensgrootte_32", "g_hhgro"),
        ("Nederland_17", "a_herk_nl"),  # full keys where the base name is ambiguous
        ("OnbekendeSleutel_1", None),
        ("k_65JaarrOfOude_12", None),
    ],
)
def test_odata_base_name_resolution(cat: Catalogue, key: str, code: str | None) -> None:
    assert cat.resolve(key, "odata") == code


def test_odata_base() -> None:
    assert odata_base("AantalInwoners_5") == "AantalInwoners"
    assert odata_base("k_0Tot15Jaar_8") == "k_0Tot15Jaar"
    assert odata_base("Woningvoorraad") == "Woningvoorraad"


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Bevolking/Aantal inwoners (aantal)", "a_inw"),
        ("Aantal inwoners (aantal)", "a_inw"),
        ("Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)", "a_65_oo"),
        ("Bevolking/Bevolking naar herkomst/Herkomstland/Europa (exclusief Nederland)  (aantal)",
         "a_herk_eu"),
        ("Bevolking/Geslacht/Mannen (aantal)", "a_man"),
    ],
)
def test_statline_titles(cat: Catalogue, title: str, code: str) -> None:
    assert cat.resolve(title, "statline") == code


def test_kwb_and_wbk_names(cat: Catalogue) -> None:
    assert cat.resolve("a_inw", "kwb") == "a_inw"
    assert cat.resolve("G_WOZBAG", "kwb") == "g_woz"
    assert cat.resolve("AANT_INW", "wbk") == "a_inw"
    assert cat.resolve("percenta_4", "pdok") == "p_65_oo"
