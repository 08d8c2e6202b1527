"""Set and edit targets and define pilots from the web: the forms' view models and the parsing
of the submitted fields (HTML form or JSON), each save one call to
:mod:`wijkkompas.services.monitor.usecases` on the workspace acting for the logged-in account.

Permission comes first: the areas are read from the fields and
``ws.require("edit", {"areas": ...})`` is checked before anything else is validated, so a
refused user learns nothing about the input and never gets a validation error instead of 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wijkkompas.errors import ConfigError
from wijkkompas.i18n import _
from wijkkompas.monitor.pilots import Pilot
from wijkkompas.services.monitor import pilots as pilot_svc
from wijkkompas.services.monitor import usecases as svc
from wijkkompas.services.shared.context import ViewContext, link

FIELD_NAMES = {
    "code": "code", "naam": "name", "gebieden": "areas", "soort": "kind", "waarde": "value",
    "basisjaar": "baseline_year", "doeljaar": "target_year", "tussendoelen": "milestones",
    "referentie": "reference_areas", "referentie_naam": "reference_label",
    "referentiejaar": "reference_year", "klassegrens": "threshold", "richting": "direction",
    "toelichting": "note", "kader": "framework",
}


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class ChoiceGroup:
    label: str
    choices: list[Choice]


@dataclass
class TargetForm:
    """Choices for the target form (and the pilot form)."""

    areas: list[ChoiceGroup]
    indicators: list[Choice]
    frameworks: list[str]
    kinds: list[Choice]
    directions: list[Choice]
    municipalities: list[Choice]


@dataclass
class Saved:
    """The result of a save: what was stored, its version and where to see it."""

    kind: str
    code: str
    version: int
    url: str
    description: str = ""
    warnings: list[str] = field(default_factory=list)


def kind_labels() -> list[Choice]:
    return [Choice("absolute", _("absolute waarde")),
            Choice("reference", _("relatief t.o.v. een referentie (bijv. het G4-gemiddelde)")),
            Choice("change", _("verandering t.o.v. het basisjaar (bijv. +5 indexpunten)")),
            Choice("tier", _("uit de laagste klasse"))]


def target_form(ctx: ViewContext) -> TargetForm:
    """Wijken per municipality and custom areas (area sets), indicators, frameworks."""
    from wijkkompas.framework.presets import preset_names

    areas = ctx.areas()
    groups = []
    munis = areas[areas["level"] == "municipality"].sort_values("name")
    for code, row in munis.iterrows():
        wijken = areas[(areas["level"] == "district") & (areas["municipality_code"] == code)]
        if len(wijken):
            groups.append(ChoiceGroup(str(row["name"]), [
                Choice(str(c), f"{r['name']} ({c})")
                for c, r in wijken.sort_values("name").iterrows()]))
    custom = areas[areas["level"] == "custom"]
    if len(custom):
        groups.append(ChoiceGroup(_("eigen gebieden (gebiedssets)"), [
            Choice(str(c), str(r["name"])) for c, r in custom.sort_values("name").iterrows()]))
    meta = ctx.indicator_meta()
    from wijkkompas.services.monitor.wording import subject_label

    indicators = sorted((Choice(c, f"{subject_label(ctx, c)} ({c})") for c in meta),
                        key=lambda o: o.label.lower())
    return TargetForm(
        areas=groups, indicators=indicators, frameworks=list(preset_names()),
        kinds=kind_labels(),
        directions=[Choice("", _("uit de catalogus")), Choice("higher_better", _("hoger is beter")),
                    Choice("higher_worse", _("hoger is slechter"))],
        municipalities=[Choice(str(c), str(r["name"])) for c, r in munis.iterrows()])


# --- parsing ----------------------------------------------------------------------------------


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else str(value).replace(";", ",").split(",")
    return [str(c).strip().upper() for item in items for c in str(item).split(",") if
            str(c).strip()]


def _text(fields: dict[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _number(fields: dict[str, Any], name: str, label: str) -> float | None:
    text = _text(fields, name)
    if text is None:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise ConfigError(_("{label}: '{value}' is geen getal").format(label=label, value=text)
                          ) from None


def _year(fields: dict[str, Any], name: str, label: str) -> int | None:
    value = _number(fields, name, label)
    if value is None:
        return None
    if value != int(value):
        raise ConfigError(_("{label}: '{value}' is geen jaartal").format(label=label,
                                                                         value=fields[name]))
    return int(value)


def _milestones(fields: dict[str, Any]) -> dict[int, float] | None:
    value = fields.get("tussendoelen")
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        items = list(value.items())
    else:
        items = []
        for part in str(value).replace(";", "\n").splitlines():
            part = part.strip()
            if not part:
                continue
            year, sep, amount = part.partition("=")
            if not sep:
                raise ConfigError(_("tussendoelen: schrijf JAAR=WAARDE, bijv. 2027=2 ('{part}')"
                                    ).format(part=part))
            items.append((year, amount))
    out = {}
    for year, amount in items:
        try:
            out[int(str(year).strip())] = float(str(amount).strip().replace(",", "."))
        except ValueError:
            raise ConfigError(_("tussendoelen: '{year}={value}' is geen JAAR=WAARDE").format(
                year=year, value=amount)) from None
    return out


def target_areas(fields: dict[str, Any]) -> list[str]:
    """The areas of a submitted target or pilot (``gebieden``: list or comma separated)."""
    return _codes(fields.get("gebieden", fields.get("areas")))


def _one_municipality(ctx: ViewContext, codes: list[str]) -> None:
    areas = ctx.areas()
    unknown = [c for c in codes if c not in areas.index]
    if unknown:
        raise ConfigError(_("gebieden: onbekend: {codes}").format(codes=", ".join(unknown)))
    munis = {areas.loc[c, "municipality_code"] for c in codes
             if areas.loc[c, "level"] != "custom"}
    munis.discard(None)
    if len(munis) > 1:
        raise ConfigError(_("gebieden: kies wijken van één gemeente (nu: {munis})").format(
            munis=", ".join(sorted(str(m) for m in munis))))


def _target_fields(ctx: ViewContext, fields: dict[str, Any], areas: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": _text(fields, "code"), "name": _text(fields, "naam"), "areas": areas or None,
        "kind": _text(fields, "soort"), "value": _number(fields, "waarde", _("waarde")),
        "baseline_year": _year(fields, "basisjaar", _("basisjaar")),
        "target_year": _year(fields, "doeljaar", _("doeljaar")),
        "milestones": _milestones(fields),
        "reference_label": _text(fields, "referentie_naam"),
        "reference_year": _year(fields, "referentiejaar", _("referentiejaar")),
        "threshold": _number(fields, "klassegrens", _("klassegrens")),
        "direction": _text(fields, "richting"), "note": _text(fields, "toelichting"),
    }
    reference = _codes(fields.get("referentie"))
    if out["kind"] == "reference" and not reference and areas:
        # default reference: the municipality of the areas
        muni = ctx.areas().loc[areas[0], "municipality_code"]
        reference = [str(muni)] if isinstance(muni, str) else []
    if reference:
        out["reference_areas"] = reference
    measure = _text(fields, "meting") or "indicator"
    if measure not in ("indicator", "opgave"):
        raise ConfigError(_("meting: kies 'indicator' of 'opgave'"))
    if measure == "opgave":
        out.update(measure="score", subject=_text(fields, "opgave"),
                   framework=_text(fields, "kader"))
    else:
        out.update(measure="indicator", subject=(_text(fields, "indicator") or "").lower()
                   or None)
    if out["kind"] != "reference":
        out.pop("reference_areas", None)
        out["reference_label"] = None
        out["reference_year"] = None
    return out


def _version(fields: dict[str, Any]) -> int | None:
    text = _text(fields, "versie")
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise ConfigError(_("versie: '{value}' is geen getal").format(value=text)) from None


def create_target(ctx: ViewContext, ws: Any, fields: dict[str, Any]) -> Saved:
    """Store a new target from the submitted fields (version 1)."""
    areas = target_areas(fields)
    ws.require("edit", {"areas": areas})
    _one_municipality(ctx, areas)
    values = _target_fields(ctx, fields, areas)
    if not values.get("subject"):
        raise ConfigError(_("kies een indicator, of een kader en opgave"))
    target = svc.make_target(**values)
    version = svc.add_target(ws, target, reason=_text(fields, "reden") or "")
    return Saved("doel", target.code, version, link(f"/monitor/doel/{target.code}"),
                 target.describe())


CLEARED = {"tussendoelen": ("milestones", {}), "referentiejaar": ("reference_year", None),
           "referentie_naam": ("reference_label", None), "klassegrens": ("threshold", None),
           "toelichting": ("note", ""), "waarde": ("value", None), "richting": ("direction", None)}


def edit_target(ctx: ViewContext, ws: Any, code: str, fields: dict[str, Any]) -> Saved:
    """Store a new version of target ``code``; ``versie`` is the version the editor saw (a
    stale one gives 409 with what changed). Fields left out keep their value; a field sent
    empty is cleared (milestones, reference year and name, threshold, note, value)."""
    current = svc.get_target(ctx.ws, code)
    ws.require("edit", {"areas": [*current.areas]})
    areas = target_areas(fields) or list(current.areas)
    ws.require("edit", {"areas": areas})
    _one_municipality(ctx, areas)
    parsed = _target_fields(ctx, {**fields, "code": code}, areas)
    definition = current.to_dict()
    definition.update({k: v for k, v in parsed.items() if v is not None})
    for name, (key, empty) in CLEARED.items():
        if name in fields and _text(fields, name) is None:
            definition[key] = empty
    if definition["subject"] != current.subject and not _text(fields, "richting"):
        definition["direction"] = None  # take the new indicator's direction
    kind = definition["kind"]
    if kind != "reference":
        definition.update(reference_areas=[], reference_year=None, reference_label=None)
    if kind != "tier":
        definition["threshold"] = None
    else:
        definition.update(value=None, milestones={})
    if definition["measure"] == "score":
        definition["direction"] = "higher_better"
    else:
        definition["framework"] = None
    version = svc.edit_target(ws, code, definition, reason=_text(fields, "reden") or "",
                              expected_version=_version(fields), replace=True)
    return Saved("doel", code, version, link(f"/monitor/doel/{code}"),
                 svc.get_target(ctx.ws, code).describe())


def save_pilot(ctx: ViewContext, ws: Any, fields: dict[str, Any]) -> Saved:
    """Define (or replace) a pilot: code, name, areas, start year, the indicators it is
    judged on, linked measures."""
    areas = target_areas(fields)
    ws.require("edit", {"areas": areas})
    _one_municipality(ctx, areas)
    code = _text(fields, "code")
    start = _year(fields, "startjaar", _("startjaar"))
    if not code:
        raise ConfigError(_("code: een pilot heeft een code nodig"))
    if start is None:
        raise ConfigError(_("startjaar: geef het startjaar van de pilot"))
    subjects = [s.lower() for s in _codes(fields.get("indicatoren"))]
    pilot = Pilot(code=code, name=_text(fields, "naam") or code, areas=tuple(areas),
                  start_year=start, measure_ids=tuple(
                      m.strip() for m in str(fields.get("maatregelen") or "").split(",")
                      if m.strip()),
                  note=_text(fields, "toelichting") or "", subjects=tuple(subjects))
    version = pilot_svc.save_pilot(ws, pilot, expected_version=_version(fields))
    return Saved("pilot", pilot.code, version, link(f"/monitor/pilot/{pilot.code}"))
