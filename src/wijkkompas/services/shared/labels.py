"""Plain Dutch (or English) for the keys and codes that the store and the cores use.

Provenance keys, audit actions and audit fields are machine names (``framework_fingerprint``,
``user.add``, ``cents``); JSON keeps them, pages and the CLI show these labels, with values
formatted by :mod:`wijkkompas.formatting`.

    >>> field_label("framework_fingerprint"), field_value("cents", 2_100_000)
    ('Vingerafdruk van het kader', '€ 21.000')
    >>> action_label("user.add"), field_value("active", True)
    ('account toegevoegd', 'ja')
"""

from __future__ import annotations

import json
from typing import Any

from wijkkompas import formatting
from wijkkompas.i18n import _


def _field_labels() -> dict[str, str]:
    return {
        # provenance of a result
        "framework": _("Afwegingskader"),
        "framework_version": _("Versie van het kader"),
        "framework_fingerprint": _("Vingerafdruk van het kader"),
        "data_fingerprint": _("Vingerafdruk van de gegevens"),
        "tool_version": _("Versie van wijkkompas"),
        "created": _("Berekend op"),
        "created_at": _("Gemaakt op"),
        "comparable_over_time": _("Vergelijkbaar door de tijd"),
        "seed": _("Startwaarde van het toeval"),
        "methods": _("Methoden"),
        "year": _("jaar"),
        "years": _("jaren"),
        "level": _("niveau"),
        "peiljaar_window": _("Peiljaar: hoogstens zoveel jaar terug"),
        "regions": _("gebieden in het bestand"),
        # audit fields
        "active": _("actief"),
        "cents": _("bedrag"),
        "budget_cents": _("budget"),
        "funded_cents": _("gefinancierd bedrag"),
        "name": _("naam"),
        "role": _("rol"),
        "scopes": _("bereik"),
        "kind": _("soort"),
        "area": _("gebied"),
        "area_code": _("gebied"),
        "areas": _("gebieden"),
        "opgave": _("opgave"),
        "measure": _("maatregel"),
        "measures": _("maatregelen"),
        "measure_ids": _("maatregelen"),
        "partner": _("partner"),
        "member": _("lid"),
        "mandate": _("mandaat"),
        "decision": _("besluit"),
        "decided_on": _("besloten op"),
        "starts": _("begint"),
        "ends": _("eindigt"),
        "what": _("wat"),
        "note": _("toelichting"),
        "notes": _("toelichting"),
        "reason": _("reden"),
        "description": _("omschrijving"),
        "funding_stream": _("geldstroom"),
        "max_area_share": _("hoogste aandeel per gebied"),
        "must_do": _("verplicht"),
        "excluded": _("uitgesloten"),
        "version": _("versie"),
        "lock_version": _("wijziging"),
        "checksum": _("controlegetal"),
        "file": _("bestand"),
        "inserted": _("toegevoegd"),
        "changed": _("gewijzigd"),
        "subject": _("onderwerp"),
        "value": _("waarde"),
        "values": _("waarden"),
        "baseline_year": _("basisjaar"),
        "target_year": _("doeljaar"),
        "start_year": _("startjaar"),
        "reference_year": _("referentiejaar"),
        "reference_areas": _("referentiegebieden"),
        "reference_label": _("referentie"),
        "direction": _("richting"),
        "threshold": _("drempel"),
        "milestones": _("tussendoelen"),
        "type": _("soort"),
        "code": _("code"),
        "summary": _("samenvatting"),
        "succeeds": _("volgt op"),
        "manual": _("handmatig"),
        "agenda": _("agenda"),
        # details of an error
        "row": _("regel"),
        "column": _("kolom"),
        "entity": _("wat"),
        "current_version": _("opgeslagen versie"),
        "your_version": _("uw versie"),
    }


def _action_labels() -> dict[str, str]:
    return {
        "user.add": _("account toegevoegd"),
        "user.password": _("wachtwoord gewijzigd"),
        "user.role": _("rol gewijzigd"),
        "token.create": _("API-token gemaakt"),
        "token.revoke": _("API-token ingetrokken"),
        "partner.add": _("partner toegevoegd"),
        "partner.edit": _("partner gewijzigd"),
        "partner.involve": _("partner aan tafel"),
        "partner.withdraw": _("partner teruggetrokken"),
        "commitment.add": _("afspraak toegevoegd"),
        "team.add": _("kernteam ingesteld"),
        "team.edit": _("kernteam gewijzigd"),
        "team.member": _("kernteamlid toegevoegd"),
        "team.decision": _("besluit van een kernteam"),
        "target.add": _("doel toegevoegd"),
        "target.edit": _("doel gewijzigd"),
        "pilot.add": _("pilot toegevoegd"),
        "pilot.edit": _("pilot gewijzigd"),
        "agenda.save": _("agenda opgeslagen"),
        "agenda.scenario": _("scenario opgeslagen"),
        "framework.save": _("afwegingskader opgeslagen"),
        "custom_area.save": _("eigen gebied opgeslagen"),
        "backup.create": _("back-up gemaakt"),
        "backup.restore": _("back-up teruggezet"),
        "import": _("gegevens ingelezen"),
    }


def _entity_labels() -> dict[str, str]:
    return {
        "user": _("account"), "token": _("API-token"), "partner": _("partner"),
        "commitment": _("afspraak"), "core_team": _("kernteam"), "target": _("doel"),
        "pilot": _("pilot"), "agenda": _("agenda"), "scenario": _("scenario"),
        "framework": _("afwegingskader"), "custom_area": _("eigen gebied"),
        "backup": _("back-up"), "import_run": _("import"),
    }


def field_label(key: str) -> str:
    """A machine field name as a person reads it (unknown keys: underscores become spaces)."""
    return _field_labels().get(key, key.replace("_", " "))


def action_label(action: str) -> str:
    return _action_labels().get(action, action.replace("_", " ").replace(".", ": "))


def entity_label(kind: str) -> str:
    return _entity_labels().get(kind, kind.replace("_", " "))


def field_value(key: str, value: Any) -> str:
    """A field's value for people: amounts in cents as money, dates and times written out,
    yes/no for booleans, numbers in the current notation, lists joined."""
    if value is None or value == "":
        return formatting.DASH
    if isinstance(value, bool) or value in ("ja", "nee"):  # the cores write ja/nee in Dutch
        return _("ja") if value in (True, "ja") else _("nee")
    if (key == "cents" or key.endswith("_cents")) and isinstance(value, int | float):
        return formatting.money(int(value))
    if key == "level" and isinstance(value, str):
        return {"municipality": _("gemeente"), "district": _("wijk"),
                "neighbourhood": _("buurt")}.get(value, value)
    if key in ("created", "created_at", "at") and isinstance(value, str):
        return formatting.moment(value)
    if key in ("starts", "ends", "decided_on") and isinstance(value, str):
        return formatting.day(value)
    if key.endswith("_share") and isinstance(value, int | float | str):
        return formatting.percent(value, fraction=True)
    if "year" in key or key.endswith("_version") or key in ("version", "seed", "id"):
        if isinstance(value, list | tuple):  # years are never written with a thousands dot
            return ", ".join(map(str, value)) or formatting.DASH
        return str(value)
    if isinstance(value, int | float):
        return formatting.value(value)
    if isinstance(value, list | tuple):
        return ", ".join(field_value(key, v) for v in value) or formatting.DASH
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def provenance_rows(provenance: dict[str, Any]) -> list[tuple[str, str]]:
    """The provenance of a result as (label, value) rows for a page."""
    return [(_capital(field_label(k)), field_value(k, v)) for k, v in provenance.items()]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
