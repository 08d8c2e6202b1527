"""Framework YAML: validation errors that name the key path and the problem, round trips."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from wijkkompas.errors import FrameworkError
from wijkkompas.framework.presets import preset_names
from wijkkompas.framework.schema import Framework, load_framework, parse_framework

BASE: dict[str, Any] = {
    "format_version": 1,
    "id": "test",
    "name": "Testkader",
    "reference": {"type": "areas_mean"},
    "opgaven": [
        {"code": "leef", "name": "Leefbaarheid", "themes": [
            {"code": "wonen", "name": "Wonen", "indicators": [
                {"code": "x1", "direction": "higher_better"},
                {"code": "x2", "direction": "higher_worse", "weight": 2},
            ]},
            {"code": "sociaal", "name": "Sociaal", "indicators": [
                {"code": "x3", "direction": "higher_worse", "denominator": "a_inw", "per": 100},
            ]},
        ]},
    ],
}


def errors_of(mutate) -> str:  # noqa: ANN001
    data = copy.deepcopy(BASE)
    mutate(data)
    with pytest.raises(FrameworkError) as info:
        parse_framework(data, "kader.yaml")
    message = str(info.value)
    assert message.startswith("kader.yaml: ")
    return message


def test_base_is_valid() -> None:
    fw = parse_framework(copy.deepcopy(BASE))
    assert fw.indicator_codes() == ["x1", "x2", "x3"]
    assert fw.steps.normalise.method == "minmax"
    assert fw.anchor.type == "pooled"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(format_version=2), ["format_version 2", "huidige versie: 1"]),
        (lambda d: d.pop("format_version"), ["format_version ontbreekt"]),
        (lambda d: d.pop("id"), ["id: ontbreekt"]),
        (lambda d: d.update(id="Met Spatie"), ["id: ongeldige waarde", "'Met Spatie'"]),
        (lambda d: d["opgaven"][0]["themes"][0]["indicators"][1].update(weight=-1),
         ["opgaven[0].themes[0].indicators[1].weight: moet >= 0", "(kreeg -1)"]),
        (lambda d: d.update(steps={"normalise": {"method": "minmaks"}}),
         ["steps.normalise: onbekende normalise-methode 'minmaks'", "kies uit:", "minmax",
          "zscore", "zindex"]),
        (lambda d: d.update(steps={"aggregate": {"method": "median"}}),
         ["steps.aggregate: onbekende aggregate-methode 'median'", "geomean, mean, topsis"]),
        (lambda d: d["opgaven"][0].update(aggregate={"method": "som"}),
         ["opgaven[0].aggregate: onbekende aggregate-methode 'som'"]),
        (lambda d: d.update(steps={"normalise": {"method": "minmax", "params": {"lo": 1}}}),
         ["steps.normalise: normalise 'minmax': onbekende parameter(s) lo",
          "geldig: constant, high, low"]),
        (lambda d: d.update(steps={"impute": {"method": "previous_year",
                                              "params": {"gap": 2}}}),
         ["steps.impute:", "onbekende parameter(s) gap", "geldig: max_gap"]),
        (lambda d: d["opgaven"][0]["themes"][0]["indicators"][0].update(goalposts=[10, 10]),
         ["opgaven[0].themes[0].indicators[0].goalposts:", "laag < hoog"]),
        (lambda d: d["opgaven"][0]["themes"][1].update(code="wonen"),
         ["code 'wonen' komt twee keer voor", "opgaven[0].themes[0]", "opgaven[0].themes[1]"]),
        (lambda d: d["opgaven"][0]["themes"][0]["indicators"].append({"code": "x1"}),
         ["opgaven[0].themes[0]:", "indicator x1 komt twee keer voor"]),
        (lambda d: d.update(priority={"type": "quantile", "cuts": [0.2],
                                      "labels": ["a", "b", "c"]}),
         ["priority:", "2 labels verwacht, kreeg 3"]),
        (lambda d: d.update(priority={"type": "top_n", "n": 3, "labels": ["a"]}),
         ["priority:", "2 labels verwacht, kreeg 1"]),
        (lambda d: d.update(priority={"type": "top_n"}), ["priority:", "'n' nodig"]),
        (lambda d: d.update(priority={"type": "quantile", "cuts": [0.4, 0.2]}),
         ["priority:", "cuts moeten oplopen"]),
        (lambda d: d.update(anchor={"type": "base_year"}),
         ["anchor: type 'base_year' heeft 'year' nodig"]),
        (lambda d: d.update(reference={"type": "municipalities", "year": 2024}),
         ["reference: type 'municipalities' heeft 'codes' nodig"]),
        (lambda d: d.update(reference={"type": "fixed"}), ["reference:", "'values' nodig"]),
        (lambda d: d.update(municipalities="GM0599"),
         ["municipalities: moet een lijst zijn", "'GM0599'"]),
        (lambda d: d.update(level="wijk"), ["level: kies uit", "'district'"]),
        (lambda d: d.update(screen={"min_data_share": 1.5}),
         ["screen.min_data_share: moet <= 1"]),
        (lambda d: d["opgaven"][0]["themes"][0]["indicators"][0].update(colour="rood"),
         ["opgaven[0].themes[0].indicators[0].colour: onbekende sleutel"]),
        (lambda d: d["opgaven"][0].update(themes=[]),
         ["opgaven[0].themes: moet minstens 1 element(en) hebben"]),
        (lambda d: d["opgaven"][0]["themes"][0]["indicators"][0].update(direction="up"),
         ["opgaven[0].themes[0].indicators[0].direction: kies uit", "higher_better"]),
    ],
    ids=["format_version", "no_format_version", "missing_id", "bad_id", "negative_weight",
         "unknown_normalise", "unknown_aggregate", "unknown_opgave_aggregate",
         "unknown_param", "unknown_impute_param", "goalposts", "duplicate_codes",
         "duplicate_indicator", "labels_count", "top_n_labels", "top_n_without_n",
         "cuts_order", "base_year_without_year", "municipalities_without_codes",
         "fixed_without_values", "municipalities_not_list", "bad_level", "share_above_one",
         "unknown_key", "no_themes", "bad_direction"],
)
def test_errors_name_key_and_problem(mutate, expected: list[str]) -> None:  # noqa: ANN001
    message = errors_of(mutate)
    assert "\n" not in message  # one line: the CLI prints "fout: <message>"
    for part in expected:
        assert part in message, message


def test_messages_are_dutch() -> None:
    message = errors_of(lambda d: (d.pop("id"), d.update(extra=1)))
    assert "Field required" not in message
    assert "Extra inputs" not in message
    assert "id: ontbreekt" in message
    assert "extra: onbekende sleutel" in message


def test_not_a_mapping() -> None:
    with pytest.raises(FrameworkError, match="verwacht een YAML-mapping"):
        parse_framework(["x"], "lijst.yaml")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "kapot.yaml"
    path.write_text("format_version: 1\nid: test\nopgaven:\n  - code: [leef\n    name: x\n",
                    encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    message = str(info.value)
    assert message.startswith("kapot.yaml: geen geldige YAML (regel ")
    assert "regel 5" in message or "regel 4" in message


def test_missing_file_and_unknown_preset(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="bestand niet gevonden"):
        load_framework(tmp_path / "bestaat-niet.yaml")
    with pytest.raises(FrameworkError, match="geen preset met die naam"):
        load_framework("utrecht")


def test_validation_error_from_file_names_the_file(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["opgaven"][0]["themes"][0]["indicators"][0]["weight"] = -2
    path = tmp_path / "mijnkader.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"^mijnkader.yaml: ongeldig afwegingskader"):
        load_framework(path)


@pytest.mark.parametrize("name", ["base", *preset_names()])
def test_round_trip(name: str, tmp_path: Path) -> None:
    fw = parse_framework(copy.deepcopy(BASE)) if name == "base" else load_framework(name)
    text = fw.to_yaml()
    again = parse_framework(yaml.safe_load(text))
    assert again == fw
    assert again.fingerprint() == fw.fingerprint()
    path = tmp_path / "kader.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_framework(path) == fw


def test_with_weights_and_fingerprint() -> None:
    fw = parse_framework(copy.deepcopy(BASE))
    changed = fw.with_weights({"x1": 3.0, "sociaal": 0.5, "leef": 2.0})
    assert isinstance(changed, Framework)
    specs = changed.indicator_specs()
    assert specs["x1"].weight == 3.0
    assert specs["x2"].weight == 2.0  # untouched
    assert changed.opgaven[0].themes[1].weight == 0.5
    assert changed.opgaven[0].weight == 2.0
    assert fw.indicator_specs()["x1"].weight == 1.0  # the original is unchanged (frozen)
    assert changed.fingerprint() != fw.fingerprint()
    assert fw.with_weights({}).fingerprint() == fw.fingerprint()
    # a weight change of one indicator alone changes the fingerprint
    assert fw.with_weights({"x2": 2.5}).fingerprint() != fw.fingerprint()
    with pytest.raises(FrameworkError, match=r"indicators\[0\]\.weight: moet >= 0"):
        fw.with_weights({"x1": -1.0})


def test_tier_labels_default() -> None:
    fw = parse_framework(copy.deepcopy(BASE))
    assert fw.priority.tier_labels() == ["hoge prioriteit", "prioriteit", "overig"]
    top = parse_framework({**copy.deepcopy(BASE), "priority": {"type": "top_n", "n": 2}})
    assert top.priority.tier_labels() == ["prioriteit", "overig"]


def test_documented_example_is_valid() -> None:
    """The annotated example in docs/afwegingskader.md parses (the docs stay honest)."""
    doc = Path(__file__).resolve().parents[2] / "docs" / "afwegingskader.md"
    if not doc.exists():
        pytest.skip("docs not found")
    text = doc.read_text("utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    fw = parse_framework(yaml.safe_load(block), "afwegingskader.md")
    assert fw.id == "leefbaarheid-zuid"
    assert fw.reference.codes == ["GM0363", "GM0599", "GM0518", "GM0344"]
    assert fw.opgaven[0].aggregate is not None
