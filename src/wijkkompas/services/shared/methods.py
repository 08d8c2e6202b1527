"""The framework's method steps in sentences (the YAML keeps the codes).

    >>> method_line("impute", "previous_year", {"max_gap": 5})
    'ontbrekende waarden: vorige meting gebruikt (tot 5 jaar terug)'
    >>> method_line("normalise", "zindex", {"base": 100, "scale": 10})
    'normalisatie: z-score, 100 = referentie (10 punten = één standaardafwijking)'
    >>> method_line("weight", "manual", {})
    'weging: gewichten zoals in het kader ingesteld'
"""

from __future__ import annotations

from typing import Any

from wijkkompas.formatting import number
from wijkkompas.i18n import _

STEPS = ("impute", "treat", "normalise", "weight", "aggregate")


def step_label(step: str) -> str:
    return {"impute": _("ontbrekende waarden"), "treat": _("uitschieters"),
            "normalise": _("normalisatie"), "weight": _("weging"),
            "aggregate": _("samenvoegen")}.get(step, step)


def _texts() -> dict[tuple[str, str], str]:
    return {
        ("impute", "none"): _("niet aangevuld"),
        ("impute", "mean"): _("aangevuld met het gemiddelde van het jaar"),
        ("impute", "median"): _("aangevuld met de mediaan van het jaar"),
        ("impute", "group_mean"): _("aangevuld met het gemiddelde van de gemeente"),
        ("impute", "group_median"): _("aangevuld met de mediaan van de gemeente"),
        ("impute", "previous_year"): _("vorige meting gebruikt (tot {max_gap} jaar terug)"),
        ("treat", "none"): _("niet behandeld"),
        ("treat", "winsorise"): _("uitschieters afgetopt (winsoriseren), bij scheve "
                                  "verdelingen een logaritme"),
        ("normalise", "minmax"): _("min-max: 0 = laagste, 100 = hoogste gebied"),
        ("normalise", "zscore"): _("z-score: 0 = gemiddelde, 1 = één standaardafwijking"),
        ("normalise", "zindex"): _("z-score, 100 = referentie ({scale} punten = één "
                                   "standaardafwijking)"),
        ("normalise", "index"): _("index, 100 = referentie"),
        ("normalise", "dist_max"): _("afstand tot het hoogste gebied"),
        ("normalise", "dist_ref"): _("afstand tot de referentie"),
        ("normalise", "dist_target"): _("afstand tot het doel"),
        ("normalise", "goalposts"): _("doelpalen (vaste onder- en bovengrens)"),
        ("normalise", "rank"): _("rangnummer"),
        ("normalise", "percentile"): _("percentielrang (0–1)"),
        ("normalise", "borda"): _("Borda-score (som van de rangnummers)"),
        ("weight", "manual"): _("gewichten zoals in het kader ingesteld"),
        ("weight", "equal"): _("alle indicatoren even zwaar"),
        ("weight", "pca"): _("gewichten uit een hoofdcomponentenanalyse"),
        ("aggregate", "mean"): _("gewogen gemiddelde"),
        ("aggregate", "geomean"): _("gewogen meetkundig gemiddelde (een lage waarde is "
                                    "moeilijk te compenseren)"),
        ("aggregate", "topsis"): _("TOPSIS: afstand tot het beste en het slechtste gebied"),
    }


def _param(value: Any) -> str:
    return number(value, 0 if float(value).is_integer() else 2) \
        if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def method_text(step: str, method: str, params: dict[str, Any] | None = None) -> str:
    """What a method does, in words (without the step)."""
    from wijkkompas.framework import registry as registries
    from wijkkompas.framework import score  # noqa: F401 - registers the methods

    registry = getattr(registries, step.upper(), None)
    defaults: dict[str, Any] = {}
    label = method
    if registry is not None and method in registry:
        found = registry.get(method)
        defaults, label = dict(found.defaults), found.label_nl or method
    values = {k: _param(v) for k, v in {**defaults, **(params or {})}.items()}
    template = _texts().get((step, method))
    if template is None:
        return label
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return label


def method_name(step: str, method: str) -> str:
    """A short name for a select: the sentence without its explanation in parentheses."""
    return method_text(step, method).split(" (", 1)[0]


def method_line(step: str, method: str, params: dict[str, Any] | None = None) -> str:
    """``<step>: <what the method does>``, e.g. "ontbrekende waarden: vorige meting gebruikt"."""
    return f"{step_label(step)}: {method_text(step, method, params)}"


def spec_line(step: str, spec: Any) -> str:
    """:func:`method_line` for a framework step spec (``.method`` and ``.params``)."""
    return method_line(step, spec.method, dict(spec.params or {}))


def spec_text(step: str, spec: Any) -> str:
    """:func:`method_text` for a framework step spec (``.method`` and ``.params``)."""
    return method_text(step, spec.method, dict(spec.params or {}))
