"""Framework files: readable, versioned YAML validated into typed objects.

A framework (afwegingskader) defines opgaven (challenges) as a hierarchy
indicators -> themes -> opgave -> optional overall index, the method of every step, a
reference, screening rules and priority rules. Errors name the key and the problem::

    opgaven[0].themes[1].indicators[2].weight: moet >= 0 zijn (kreeg -1)

See ``docs/afwegingskader.md`` and the presets in ``wijkkompas/framework/presets``.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from wijkkompas.errors import FrameworkError

FORMAT_VERSION = 1
LEVELS = ("municipality", "district", "neighbourhood")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepSpec(Strict):
    """A named method with parameters, e.g. ``{method: minmax, params: {low: 0, high: 100}}``."""

    method: str
    params: dict[str, Any] = Field(default_factory=dict)


def _check_step(step: str, spec: StepSpec | None) -> None:
    """Raise ValueError (for pydantic) when the method or a parameter is unknown; the
    registry's message lists the valid names."""
    if spec is None:
        return
    from wijkkompas.framework import aggregate, impute, normalise, treat, weights  # noqa: F401
    from wijkkompas.framework.registry import AGGREGATE, IMPUTE, NORMALISE, TREAT, WEIGHT

    registry = {"impute": IMPUTE, "treat": TREAT, "normalise": NORMALISE, "weight": WEIGHT,
                "aggregate": AGGREGATE}[step]
    try:
        registry.get(spec.method).check_params(spec.params)
    except FrameworkError as exc:
        raise ValueError(str(exc)) from None


class IndicatorSpec(Strict):
    code: str
    weight: float = Field(default=1.0, ge=0)
    direction: Literal["higher_better", "higher_worse"] | None = None
    denominator: str | None = None
    per: float = Field(default=100.0, gt=0, description="x / denominator * per")
    goalposts: tuple[float, float] | None = None
    target: float | None = None
    label: str | None = None
    levels: list[Literal["municipality", "district", "neighbourhood"]] | None = Field(
        default=None, description="the levels this indicator is used at (default: every "
        "level); e.g. an income figure CBS publishes per wijk only")

    @field_validator("goalposts")
    @classmethod
    def _goalposts_ordered(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not v[0] < v[1]:
            raise ValueError("goalposts [laag, hoog] met laag < hoog")
        return v


class ThemeSpec(Strict):
    code: str
    name: str
    weight: float = Field(default=1.0, ge=0)
    indicators: list[IndicatorSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_indicators(self) -> ThemeSpec:
        codes = [i.code for i in self.indicators]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"indicator {', '.join(dup)} komt twee keer voor in thema "
                             f"{self.code!r}")
        return self


class OpgaveSpec(Strict):
    code: str
    name: str
    description: str = ""
    weight: float = Field(default=1.0, ge=0)
    themes: list[ThemeSpec] = Field(min_length=1)
    aggregate: StepSpec | None = None  # overrides the framework default for this opgave
    priority_when: Literal["low", "high"] = Field(
        default="low",
        description="low: the lowest scores get priority (a problem to solve); high: the "
        "highest (e.g. potential to build on)")

    @field_validator("aggregate")
    @classmethod
    def _method(cls, v: StepSpec | None) -> StepSpec | None:
        _check_step("aggregate", v)
        return v


class ReferenceSpec(Strict):
    """What 100 (or 0 contribution) means.

    ``municipality``: the municipality's own value (e.g. the city average) in ``year``;
    ``national``: Nederland (NL00) in ``year``; ``municipalities``: the mean of the values of
    ``codes`` (e.g. the G4) in ``year``; ``areas_mean``: the unweighted mean over the scored
    areas in ``year``; ``fixed``: ``values`` per indicator.
    """

    type: Literal["municipality", "national", "municipalities", "areas_mean", "fixed"] = (
        "areas_mean")
    year: int | None = None
    municipality: str | None = None
    codes: list[str] = Field(default_factory=list)
    values: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> ReferenceSpec:
        if self.type == "municipalities" and not self.codes:
            raise ValueError("type 'municipalities' heeft 'codes' nodig (bijv. de G4)")
        if self.type == "fixed" and not self.values:
            raise ValueError("type 'fixed' heeft 'values' nodig")
        return self


class AnchorSpec(Strict):
    """Which rows fix the normalisation, so scores are comparable over time.

    ``base_year``: statistics of ``year`` only (later years can leave the range);
    ``pooled``: all years together; ``per_year``: each year on its own (NOT comparable over
    time; results say so).
    """

    type: Literal["base_year", "pooled", "per_year"] = "pooled"
    year: int | None = None

    @model_validator(mode="after")
    def _year(self) -> AnchorSpec:
        if self.type == "base_year" and self.year is None:
            raise ValueError("type 'base_year' heeft 'year' nodig")
        return self


class ScreenSpec(Strict):
    min_population: int = Field(default=0, ge=0)
    population_indicator: str = "a_inw"
    min_data_share: float = Field(default=0.5, ge=0, le=1)
    after_impute: bool = Field(
        default=False, description="screen after imputation (COINr) instead of before it")


class PeiljaarSpec(Strict):
    """Score per *peiljaar*: for every indicator the most recent value from the peiljaar or
    up to ``window`` years before it. The year each value comes from is kept with the result
    (:attr:`ScoreResult.source_years`) and shown next to the value."""

    window: int = Field(default=4, ge=0, le=20)


class StepsSpec(Strict):
    impute: StepSpec = StepSpec(method="none")
    treat: StepSpec = StepSpec(method="none")
    normalise: StepSpec = StepSpec(method="minmax")
    weight: StepSpec = StepSpec(method="manual")
    aggregate: StepSpec = StepSpec(method="mean")

    @field_validator("impute", "treat", "normalise", "weight", "aggregate")
    @classmethod
    def _method(cls, v: StepSpec, info: ValidationInfo) -> StepSpec:
        _check_step(str(info.field_name), v)
        return v


class TierRule(Strict):
    """Priority tiers, computed per opgave and year on the opgave score (low = priority).

    ``quantile``: cut points as shares of areas (``[0.2]`` -> lowest 20%);
    ``threshold``: cut points on the score scale (``[90]`` -> index below 90);
    ``top_n``: the ``n`` lowest-scoring areas.
    With ``relative_to_reference`` threshold cuts are percentages of the reference score
    (``[90]`` -> below 90% of the reference). Areas under ``min_population`` get no tier.
    """

    type: Literal["quantile", "threshold", "top_n"] = "quantile"
    cuts: list[float] = Field(default_factory=lambda: [0.2, 0.4])
    n: int | None = Field(default=None, ge=1)
    labels: list[str] | None = None
    relative_to_reference: bool = False
    min_population: int = Field(default=0, ge=0)
    unknown_population: Literal["not_assessed", "assessed"] = Field(
        default="not_assessed",
        description="an area without a population figure gets no tier (not_assessed) or is "
        "ranked like the others (assessed)")
    min_households: int = Field(default=0, ge=0, description="fewer private households: no tier")
    households_indicator: str = "a_hh"
    max_establishments_per_inhabitant: float | None = Field(
        default=None, gt=0,
        description="more business establishments per inhabitant: a business or harbour area "
        "(no tier)")
    establishments_indicator: str = "a_bedv"
    scale_on_assessed: bool = Field(
        default=True,
        description="fit normalisation, outlier treatment and an areas-mean reference on the "
        "assessed areas only, so that a tiny or business area cannot stretch everyone's scale")
    max_top_share: float = Field(
        default=0.4, gt=0, le=1,
        description="a warning when the first tier holds more than this share of the ranked "
        "areas (a top tier is a minority)")

    @model_validator(mode="after")
    def _labels(self) -> TierRule:
        if self.type == "top_n" and self.n is None:
            raise ValueError("type 'top_n' heeft 'n' nodig")
        if sorted(self.cuts) != list(self.cuts):
            raise ValueError("cuts moeten oplopen")
        if self.type == "quantile" and any(not 0 < c < 1 for c in self.cuts):
            raise ValueError("quantile-cuts liggen tussen 0 en 1")
        expected = 2 if self.type == "top_n" else len(self.cuts) + 1
        if self.labels is not None and len(self.labels) != expected:
            raise ValueError(f"{expected} labels verwacht, kreeg {len(self.labels)}")
        return self

    def tier_labels(self) -> list[str]:
        if self.labels:
            return list(self.labels)
        if self.type == "top_n":
            return ["prioriteit", "overig"]
        defaults = ["hoge prioriteit", "prioriteit", "aandacht", "overig"]
        n = len(self.cuts) + 1
        return defaults[:n - 1] + ["overig"] if n <= 4 else [f"klasse {i + 1}" for i in range(n)]


class ApproachRule(Strict):
    """One rule of an approach typology: when every condition holds, the area gets
    ``approach``. ``tiers`` maps an opgave code to the tiers that match; ``declining`` names
    opgaven whose score fell since the previous peiljaar (comparable scores only)."""

    approach: str = Field(min_length=1)
    tiers: dict[str, list[str]] = Field(default_factory=dict)
    declining: list[str] = Field(default_factory=list)
    description: str = ""


class ApproachSpec(Strict):
    """An approach typology (aanpak): ordered rules, the first that matches wins; an area
    that matches none gets ``default``. Areas without a tier get no approach."""

    name: str = "Aanpak"
    rules: list[ApproachRule] = Field(min_length=1)
    default: str = "regulier"


class OverallSpec(Strict):
    code: str = "totaal"
    name: str = "Totaalindex"
    aggregate: StepSpec = StepSpec(method="mean")

    @field_validator("aggregate")
    @classmethod
    def _method(cls, v: StepSpec) -> StepSpec:
        _check_step("aggregate", v)
        return v


class Framework(Strict):
    format_version: Literal[1]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    version: int = Field(default=1, ge=1)
    description: str = ""
    modelled_on: str | None = None
    conventions: Literal["coinr"] | None = Field(
        default=None, description="coinr: COINr 1.1.14's conventions as defaults "
        "(see wijkkompas.framework.conventions); explicit keys still win")
    level: Literal["municipality", "district", "neighbourhood"] = "district"
    municipalities: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    steps: StepsSpec = StepsSpec()
    anchor: AnchorSpec = AnchorSpec()
    reference: ReferenceSpec = ReferenceSpec()
    screen: ScreenSpec = ScreenSpec()
    priority: TierRule = TierRule()
    peiljaar: PeiljaarSpec | None = None
    approach: ApproachSpec | None = None
    opgaven: list[OpgaveSpec] = Field(min_length=1)
    overall: OverallSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _conventions(cls, data: Any) -> Any:
        from wijkkompas.framework.conventions import apply_conventions

        return apply_conventions(data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _unique_codes(self) -> Framework:
        seen: dict[str, str] = {}
        for i, op in enumerate(self.opgaven):
            for code, where in [(op.code, f"opgaven[{i}]")] + [
                (th.code, f"opgaven[{i}].themes[{j}]") for j, th in enumerate(op.themes)
            ]:
                if code in seen:
                    raise ValueError(f"code {code!r} komt twee keer voor ({seen[code]} en {where})")
                seen[code] = where
        if self.approach is not None:
            labels = set(self.priority.tier_labels())
            opgaven = {op.code for op in self.opgaven}
            for i, rule in enumerate(self.approach.rules):
                for code, tiers in rule.tiers.items():
                    if code not in opgaven:
                        raise ValueError(f"approach.rules[{i}]: onbekende opgave {code!r}")
                    wrong = sorted(set(tiers) - labels)
                    if wrong:
                        raise ValueError(f"approach.rules[{i}]: onbekende klasse "
                                         f"{', '.join(wrong)} (kies uit {', '.join(sorted(labels))})")
                unknown = sorted(set(rule.declining) - opgaven)
                if unknown:
                    raise ValueError(f"approach.rules[{i}].declining: onbekende opgave "
                                     f"{', '.join(unknown)}")
        return self

    # --- convenience ------------------------------------------------------------------------

    def indicator_codes(self) -> list[str]:
        out: list[str] = []
        for op in self.opgaven:
            for th in op.themes:
                out.extend(i.code for i in th.indicators if i.code not in out)
        return out

    def indicator_specs(self) -> dict[str, IndicatorSpec]:
        """The spec of every indicator (first occurrence wins when one is used twice)."""
        out: dict[str, IndicatorSpec] = {}
        for op in self.opgaven:
            for th in op.themes:
                for ind in th.indicators:
                    out.setdefault(ind.code, ind)
        return out

    def at_level(self, level: str) -> Framework:
        """The framework as scored at ``level`` (a stored name or ``wijk``/``buurt``): the
        indicators that name other ``levels`` are left out, and a theme or opgave left without
        indicators with them. The rest (methods, weights, rules) stays the same."""
        from wijkkompas.data.codes import parse_level

        try:
            level = parse_level(level)
        except ValueError as exc:
            raise FrameworkError(str(exc)) from None
        if level not in LEVELS:
            raise FrameworkError(f"een afwegingskader scoort gemeenten, wijken of buurten, "
                                 f"niet {level!r}")
        data = self.model_dump()
        data["level"] = level
        opgaven = []
        for op in data["opgaven"]:
            themes = []
            for th in op["themes"]:
                th["indicators"] = [i for i in th["indicators"]
                                    if i["levels"] is None or level in i["levels"]]
                if th["indicators"]:
                    themes.append(th)
            op["themes"] = themes
            if themes:
                opgaven.append(op)
        if not opgaven:
            raise FrameworkError(f"{self.id}: geen indicatoren op niveau {level}")
        data["opgaven"] = opgaven
        if data.get("approach"):
            kept = {op["code"] for op in opgaven}
            # A rule about an opgave this level does not have cannot be judged: it goes.
            rules = [rule for rule in data["approach"]["rules"]
                     if set(rule["tiers"]) | set(rule["declining"]) <= kept]
            data["approach"]["rules"] = rules
            if not rules:
                data["approach"] = None
        if data.get("overall") and len(opgaven) < 2:
            data["overall"] = None
        try:
            return Framework.model_validate(data)
        except ValidationError as exc:
            raise _format_error(exc, f"{self.id} op niveau {level}") from None

    def for_own_level(self) -> Framework:
        """The framework as scored at its own ``level``: indicators that name other levels
        left out (the framework itself when none does)."""
        if all(ind.levels is None for ind in self.indicator_specs().values()):
            return self
        return self.at_level(self.level)

    def level_names(self) -> list[str]:
        """The levels at which at least one indicator is used (the framework's own first)."""
        out = [self.level]
        for level in ("district", "neighbourhood"):
            if level in out:
                continue
            if any(ind.levels is None or level in ind.levels
                   for ind in self.indicator_specs().values()):
                out.append(level)
        return out

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json", exclude_defaults=False)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    def fingerprint(self) -> str:
        data = self.model_dump(mode="json")
        # Keys added after fingerprints were first stored count only when set, so a framework
        # that does not use them keeps its fingerprint.
        if data.get("conventions") is None:
            data.pop("conventions", None)
        if not data["screen"].get("after_impute"):
            data["screen"].pop("after_impute", None)
        text = json.dumps(data, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def with_weights(self, weights: dict[str, float]) -> Framework:
        """A copy with new weights for opgaven, themes or indicators (keyed by code)."""
        data = self.model_dump()
        for op in data["opgaven"]:
            op["weight"] = weights.get(op["code"], op["weight"])
            for th in op["themes"]:
                th["weight"] = weights.get(th["code"], th["weight"])
                for ind in th["indicators"]:
                    ind["weight"] = weights.get(ind["code"], ind["weight"])
        try:
            return Framework.model_validate(data)
        except ValidationError as exc:
            raise _format_error(exc, "gewichten") from None


_DUTCH = {
    "missing": "ontbreekt",
    "extra_forbidden": "onbekende sleutel",
    "greater_than_equal": "moet >= {ge} zijn",
    "greater_than": "moet > {gt} zijn",
    "less_than_equal": "moet <= {le} zijn",
    "less_than": "moet < {lt} zijn",
    "literal_error": "kies uit {expected}",
    "string_type": "moet tekst zijn",
    "string_pattern_mismatch": "ongeldige waarde (kleine letters, cijfers, - en _)",
    "int_parsing": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "float_parsing": "moet een getal zijn",
    "float_type": "moet een getal zijn",
    "bool_parsing": "moet true of false zijn",
    "bool_type": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "tuple_type": "moet een lijst zijn",
    "dict_type": "moet een mapping (sleutel: waarde) zijn",
    "model_type": "moet een mapping (sleutel: waarde) zijn",
    "too_short": "moet minstens {min_length} element(en) hebben",
    "too_long": "mag hoogstens {max_length} element(en) hebben",
}


def _dutch(err: Any) -> str:
    """Pydantic's message in Dutch where we know the error type (else pydantic's own)."""
    template = _DUTCH.get(err["type"])
    if template is None:
        return str(err["msg"]).removeprefix("Value error, ")
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return str(err["msg"])


def _format_error(exc: ValidationError, source: str) -> FrameworkError:
    lines = []
    for err in exc.errors()[:8]:
        loc = ""
        for part in err["loc"]:
            loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
        msg = _dutch(err)
        got = err.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else f" (kreeg {got!r})"
        lines.append(f"{loc or '(bovenste niveau)'}: {msg}{shown}")
    more = len(exc.errors()) - 8
    if more > 0:
        lines.append(f"... en nog {more} fouten")
    # One line (the CLI prints one line per error); several problems separated by "; ".
    return FrameworkError(f"{source}: ongeldig afwegingskader: " + "; ".join(lines))


def parse_framework(data: Any, source: str = "afwegingskader") -> Framework:
    if not isinstance(data, dict):
        raise FrameworkError(f"{source}: verwacht een YAML-mapping met format_version, id, ...")
    if "format_version" not in data:
        raise FrameworkError(f"{source}: format_version ontbreekt (huidige versie: "
                             f"{FORMAT_VERSION})")
    if data["format_version"] != FORMAT_VERSION:
        raise FrameworkError(f"{source}: format_version {data['format_version']!r} wordt niet "
                             f"ondersteund (huidige versie: {FORMAT_VERSION})")
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        raise _format_error(exc, source) from None


def load_framework(path: str | Path) -> Framework:
    """Read and validate a framework YAML file (or a preset name, see :func:`preset`)."""
    path = Path(path)
    if not path.exists():
        from wijkkompas.framework.presets import preset_path

        found = preset_path(str(path))
        if found is None:
            raise FrameworkError(f"{path}: bestand niet gevonden (en geen preset met die naam)")
        path = found
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (regel {mark.line + 1}, kolom {mark.column + 1})" if mark else ""
        raise FrameworkError(f"{path.name}: geen geldige YAML{where}: "
                             f"{getattr(exc, 'problem', exc)}") from None
    return parse_framework(data, path.name)


@lru_cache(maxsize=64)
def _framework_file(path: str, mtime_ns: int) -> Framework:
    return load_framework(path)


def load_preset(name: str) -> Framework:
    """A preset framework, parsed once per file version (YAML parsing costs ~60 ms).

    ``name`` is matched against the preset registry, never used as a path; an unknown name
    gets one message that does not repeat it, so the answer is the same whatever was asked
    (an existing file, a missing one, a device)."""
    from wijkkompas.errors import NotFound
    from wijkkompas.framework.presets import preset_names, preset_path
    from wijkkompas.i18n import _

    path = preset_path(name)
    if path is None:
        raise NotFound(_("Onbekend afwegingskader; kies uit {names}.").format(
            names=", ".join(preset_names())))
    return _framework_file(str(path), path.stat().st_mtime_ns)
