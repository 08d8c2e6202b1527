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
_ODATA_SUFFIX = re.compile(r"_\d+$")
_SPACES = re.compile(r"\s+")


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
                 rules: dict[str, str]) -> None:
        self.indicators = {ind.code: ind for ind in indicators}
        self.themes = themes
        self.rules = rules
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


def _parse(data: dict[str, Any]) -> Catalogue:
    if data.get("format_version") != 1:
        raise ConfigError("catalogus: format_version 1 verwacht")
    themes = data.get("themes") or {}
    rules = data.get("rules") or {}
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
            )
        )
    for ind in out:
        if ind.denominator and ind.denominator not in seen:
            raise ConfigError(f"catalogus: {ind.code}: noemer {ind.denominator!r} bestaat niet")
    return Catalogue(out, themes, rules)


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the package."""
    text = resources.files("wijkkompas.data").joinpath("catalogue.yaml").read_text("utf-8")
    return _parse(yaml.safe_load(text))
