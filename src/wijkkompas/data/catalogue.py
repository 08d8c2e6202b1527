"""The indicator catalogue: one entry per indicator, with every name CBS uses for it.

    >>> cat = load_catalogue()
    >>> cat.resolve("AantalInwoners_5", form="odata")
    'a_inw'
    >>> cat.resolve("a_inw", form="kwb")
    'a_inw'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from wijkkompas.errors import ConfigError

FORMS = ("kwb", "wbk", "pdok", "odata", "statline", "other")
KINDS = ("count", "percentage", "rate", "mean", "amount", "index", "distance", "area", "code")
DIRECTIONS = ("higher_better", "higher_worse", "neutral")
POLICIES = ("refuse", "flag")
#: No value of any indicator lies beyond this (catches 1e308 and friends).
ABSOLUTE_LIMIT = 1e15
_ODATA_SUFFIX = re.compile(r"_\d+$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Plausibility:
    """The valid range of an indicator's values and what happens to a value outside it:
    ``refuse`` (the file is refused) or ``flag`` (stored as ``estimated``, with a warning)."""

    min: float = -ABSOLUTE_LIMIT
    max: float = ABSOLUTE_LIMIT
    policy: str = "refuse"

    def describe(self) -> str:
        """The range in Dutch words, e.g. ``0 tot en met 100``."""
        low = None if self.min <= -ABSOLUTE_LIMIT else _number(self.min)
        high = None if self.max >= ABSOLUTE_LIMIT else _number(self.max)
        if low is not None and high is not None:
            return f"{low} tot en met {high}"
        if low is not None:
            return f"ten minste {low}"
        if high is not None:
            return f"hoogstens {high}"
        return "een eindig getal"


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}".replace(",", ".")


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    label_nl: str
    label_en: str
    unit: str
    theme: str
    kind: str
    direction: str
    direction_note: str = ""
    denominator: str | None = None
    decimals: int = 0
    disclosure: str | None = None
    sensitive: bool = False
    source: str | None = None
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Own valid range (``plausibility:`` in the YAML); None = derived from unit or kind.
    plausibility: Plausibility | None = None

    def as_record(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label_nl": self.label_nl,
            "label_en": self.label_en,
            "unit": self.unit,
            "theme": self.theme,
            "kind": self.kind,
            "direction": self.direction,
            "direction_note": self.direction_note,
            "denominator": self.denominator,
            "decimals": self.decimals,
            "disclosure": self.disclosure,
            "sensitive": self.sensitive,
            "source": self.source or "CBS Kerncijfers wijken en buurten",
        }


def normalise_title(text: str) -> str:
    """Normalise a StatLine column title: case, spacing and the topic path are ignored."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip().lower()


def odata_base(key: str) -> str:
    return _ODATA_SUFFIX.sub("", key)


class Catalogue:
    def __init__(self, indicators: list[IndicatorDef], themes: dict[str, dict[str, str]],
                 rules: dict[str, str],
                 plausibility: dict[str, dict[str, Plausibility]] | None = None) -> None:
        self.indicators = {ind.code: ind for ind in indicators}
        self.themes = themes
        self.rules = rules
        # Default ranges by unit and by kind (see ``plausibility:`` in catalogue.yaml).
        self.plausibility = plausibility or {"units": {}, "kinds": {}}
        self._lookup: dict[str, dict[str, str]] = {form: {} for form in FORMS}
        for ind in indicators:
            for form, names in ind.names.items():
                for name in names:
                    key = self._key(name, form)
                    other = self._lookup[form].get(key)
                    if other and other != ind.code:
                        raise ConfigError(
                            f"catalogus: naam {name!r} ({form}) hoort bij {other} en {ind.code}"
                        )
                    self._lookup[form][key] = ind.code

    @staticmethod
    def _key(name: str, form: str) -> str:
        if form == "statline":
            return normalise_title(name)
        if form in ("kwb", "pdok", "other"):
            return name.strip().lower()
        return name.strip()

    def __contains__(self, code: str) -> bool:
        return code in self.indicators

    def __getitem__(self, code: str) -> IndicatorDef:
        return self.indicators[code]

    def resolve(self, name: str, form: str) -> str | None:
        """The catalogue code for a column called ``name`` in a file of ``form``, or None."""
        table = self._lookup[form]
        if form == "odata":
            return table.get(name.strip()) or table.get(odata_base(name.strip()))
        if form == "statline":
            full = normalise_title(name)
            if full in table:
                return table[full]
            # Drop the topic path one level at a time: "Bevolking/Leeftijdsgroepen/65 jaar ..."
            parts = full.split("/")
            for i in range(1, len(parts)):
                hit = table.get("/".join(parts[i:]))
                if hit:
                    return hit
            return None
        code = table.get(self._key(name, form))
        if code is None and form in ("kwb", "other"):
            # Our own codes are valid names in generic tables too.
            low = name.strip().lower()
            if low in self.indicators:
                return low
        return code

    def valid_range(self, code: str, *, kind: str | None = None,
                    unit: str | None = None) -> Plausibility:
        """The valid range of indicator ``code``: its own ``plausibility``, else the default
        of its unit, else of its kind, else only "a finite number within +-1e15". For user
        indicators (not in the catalogue) give their ``kind`` and ``unit``.

        >>> cat = load_catalogue()
        >>> cat.valid_range("p_hh_li").describe(), cat.valid_range("a_man").describe()
        ('0 tot en met 100', '0 tot en met 100.000.000')
        >>> cat.valid_range("eigen_score", kind="mean", unit="").describe()
        'een eindig getal'
        """
        ind = self.indicators.get(code)
        if ind is not None:
            if ind.plausibility is not None:
                return ind.plausibility
            kind, unit = ind.kind, ind.unit
        units, kinds = self.plausibility.get("units", {}), self.plausibility.get("kinds", {})
        unit_key = str(unit or "").strip()
        if unit_key in units:
            return units[unit_key]
        if kind in kinds:
            return kinds[str(kind)]
        return Plausibility()

    def to_frame(self) -> pd.DataFrame:
        rows = [ind.as_record() for ind in self.indicators.values()]
        return pd.DataFrame(rows).set_index("code")


_BREAKDOWN_OWN = ("key", "code", "label_nl", "label_en")


def expand_breakdowns(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Indicator entries for every ``breakdowns`` block: one per subject and group.

    A breakdown (e.g. CBS/RIVM 50090NED by age group) lists ``groups`` (dimension code ->
    ``suffix``, ``nl``, ``en``), ``defaults`` and ``subjects`` (``key``, ``code``, labels and
    any field that overrides a default). Subject ``eenzaam`` with prefix ``gz`` and group
    ``{suffix: 65p, nl: 65+}`` becomes ``gz_eenzaam_65p``, "Eenzaam (65+)", with the OData name
    ``Eenzaam|80200``: StatLine key ``Eenzaam_NN`` in the rows of dimension code 80200.
    """
    out: list[dict[str, Any]] = []
    for b, block in enumerate(data.get("breakdowns") or []):
        where = f"catalogus: breakdown #{b + 1} ({block.get('table', '?')})"
        for key in ("prefix", "groups", "subjects"):
            if not block.get(key):
                raise ConfigError(f"{where}: veld {key!r} ontbreekt")
        defaults = block.get("defaults") or {}
        for subject in block["subjects"]:
            for key in _BREAKDOWN_OWN:
                if not subject.get(key):
                    raise ConfigError(f"{where}: onderwerp {subject.get('key', '?')}: veld "
                                      f"{key!r} ontbreekt")
            for dim_code, group in block["groups"].items():
                out.append({
                    **defaults,
                    **{k: v for k, v in subject.items() if k not in _BREAKDOWN_OWN},
                    "code": f"{block['prefix']}_{subject['code']}_{group['suffix']}",
                    "label_nl": f"{subject['label_nl']} ({group['nl']})",
                    "label_en": f"{subject['label_en']} ({group['en']})",
                    "names": {"odata": [f"{subject['key']}|{dim_code}"]},
                })
    return out


def _plausibility(raw: Any, where: str) -> Plausibility:
    """``{min, max, policy}`` from the YAML; both bounds optional, policy ``refuse`` or ``flag``."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: plausibility moet {{min, max, policy}} zijn")
    unknown = set(raw) - {"min", "max", "policy"}
    if unknown:
        raise ConfigError(f"{where}: onbekende velden in plausibility: {sorted(unknown)}")
    policy = raw.get("policy", "refuse")
    if policy not in POLICIES:
        raise ConfigError(f"{where}: policy {policy!r} onbekend; kies uit {POLICIES}")
    try:
        low = float(raw.get("min", -ABSOLUTE_LIMIT))
        high = float(raw.get("max", ABSOLUTE_LIMIT))
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: min en max moeten getallen zijn") from None
    if not low <= high:
        raise ConfigError(f"{where}: min {low:g} is groter dan max {high:g}")
    return Plausibility(max(low, -ABSOLUTE_LIMIT), min(high, ABSOLUTE_LIMIT), policy)


def _parse(data: dict[str, Any]) -> Catalogue:
    if data.get("format_version") != 1:
        raise ConfigError("catalogus: format_version 1 verwacht")
    themes = data.get("themes") or {}
    rules = data.get("rules") or {}
    defaults = data.get("plausibility") or {}
    unknown_groups = set(defaults) - {"units", "kinds"}
    if unknown_groups:
        raise ConfigError(f"catalogus: plausibility kent alleen units en kinds, niet "
                          f"{sorted(unknown_groups)}")
    plausibility = {
        group: {str(key): _plausibility(rng, f"catalogus: plausibility {group} {key!r}")
                for key, rng in (defaults.get(group) or {}).items()}
        for group in ("units", "kinds")
    }
    bad_kinds = set(plausibility["kinds"]) - set(KINDS)
    if bad_kinds:
        raise ConfigError(f"catalogus: plausibility voor onbekende kind(s) {sorted(bad_kinds)}")
    out: list[IndicatorDef] = []
    seen: set[str] = set()
    entries = [*(data.get("indicators") or []), *expand_breakdowns(data)]
    for i, raw in enumerate(entries):
        where = f"catalogus: indicator #{i + 1} ({raw.get('code', '?')})"
        for key in ("code", "label_nl", "label_en", "unit", "theme", "kind", "direction"):
            if not raw.get(key):
                raise ConfigError(f"{where}: veld {key!r} ontbreekt")
        if raw["code"] in seen:
            raise ConfigError(f"{where}: code komt twee keer voor")
        seen.add(raw["code"])
        if raw["kind"] not in KINDS:
            raise ConfigError(f"{where}: kind {raw['kind']!r} onbekend; kies uit {KINDS}")
        if raw["direction"] not in DIRECTIONS:
            raise ConfigError(f"{where}: direction {raw['direction']!r} onbekend; kies uit {DIRECTIONS}")
        if raw["theme"] not in themes:
            raise ConfigError(f"{where}: thema {raw['theme']!r} niet gedeclareerd")
        names = raw.get("names") or {}
        unknown = set(names) - set(FORMS)
        if unknown:
            raise ConfigError(f"{where}: onbekende bronvorm(en) {sorted(unknown)}")
        disclosure = raw.get("disclosure")
        out.append(
            IndicatorDef(
                code=raw["code"],
                label_nl=raw["label_nl"],
                label_en=raw["label_en"],
                unit=str(raw["unit"]),
                theme=raw["theme"],
                kind=raw["kind"],
                direction=raw["direction"],
                direction_note=raw.get("direction_note", ""),
                denominator=raw.get("denominator"),
                decimals=int(raw.get("decimals", 0)),
                disclosure=rules.get(disclosure, disclosure) if disclosure else None,
                sensitive=bool(raw.get("sensitive", False)),
                source=raw.get("source"),
                names={form: tuple(str(n) for n in names[form]) for form in names},
                plausibility=(_plausibility(raw["plausibility"], where)
                              if raw.get("plausibility") is not None else None),
            )
        )
    for ind in out:
        if ind.denominator and ind.denominator not in seen:
            raise ConfigError(f"catalogus: {ind.code}: noemer {ind.denominator!r} bestaat niet")
    return Catalogue(out, themes, rules, plausibility)


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the package."""
    text = resources.files("wijkkompas.data").joinpath("catalogue.yaml").read_text("utf-8")
    # libyaml's parser when present: the same data, ten times faster (CLI start-up)
    return _parse(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
