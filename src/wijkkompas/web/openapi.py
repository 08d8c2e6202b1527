"""The OpenAPI document as the API really behaves.

FastAPI documents what it can see: query and path parameters, a JSON 200 and its own 422
shape. The write endpoints read their fields themselves (a JSON object or a form, see
:func:`wijkkompas.web.auth.submitted`), the downloads are not JSON, and errors leave in the
app's one error shape (:mod:`wijkkompas.web.errors`). :func:`complete` adds what is missing:

* every request body, for JSON and for a form (and multipart for the workbook upload);
* every status code a route answers with, each with the error shape ``Fout``: 400 for an
  unreadable multipart upload, 401/403 where a login or token is needed (writes, the audit
  trail; every route when the app is not public), 404 where a parameter names something, 409
  where a write checks the version the user loaded, 413 for bodies (the request size limit),
  422 for invalid input;
* the real media types of the downloads: CSV text, an Excel workbook, GeoJSON
  (``application/geo+json``, a FeatureCollection);
* the authentication schemes (API token as bearer, or the session cookie with a CSRF token).

The tables here are checked by ``tests/web/test_openapi_complete.py`` against the routes, so a
new write endpoint without a declared body fails a test.
"""

from __future__ import annotations

from typing import Any

from wijkkompas.monitor.targets import DIRECTIONS, KINDS
from wijkkompas.partners.store import PARTNER_TYPES, ROLES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM, JSON, MULTIPART = ("application/x-www-form-urlencoded", "application/json",
                         "multipart/form-data")

ERROR = {
    "title": "Fout",
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["type", "message", "details"],
        "properties": {
            "type": {"type": "string", "description": "Soort fout, bijv. NotFound, Conflict, "
                     "ValidationError, Forbidden."},
            "message": {"type": "string", "description": "Uitleg in gewone taal."},
            "details": {"type": "object", "description": "Bij invoerfouten: bestand, rij, "
                        "kolom, waarde of de problemen per veld; bij een conflict: wat er "
                        "intussen veranderde."},
        },
    }},
}
STATUS_TEXT = {
    400: "De upload is geen leesbaar multipart-formulier.",
    401: "Niet ingelogd, of het API-token is ongeldig of ingetrokken.",
    403: "Geen recht op deze actie (rol of gebied), of het CSRF-token ontbreekt of klopt niet.",
    404: "Wat de parameters noemen bestaat niet.",
    409: "Intussen door een ander gewijzigd (versie): het antwoord noemt wat er veranderde.",
    413: "Het verzoek is te groot.",
    422: "Ongeldige invoer: het antwoord noemt het veld of de plek.",
}
GEOJSON = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "metadata": {"type": "object", "description": "Herkomst: kader, opgave, jaar, "
                     "versies en vingerafdrukken."},
        "features": {"type": "array", "items": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": "string"},
                "geometry": {"type": ["object", "null"]},
                "properties": {"type": "object"},
            },
        }},
    },
}
DOWNLOADS = {
    ".csv": ("text/csv", {"type": "string", "description": "CSV (UTF-8, komma's, CRLF) met de "
                          "herkomst in regels die met # beginnen."}),
    ".xlsx": (XLSX, {"type": "string", "format": "binary"}),
    ".geojson": ("application/geo+json", GEOJSON),
}


# --- request bodies ----------------------------------------------------------------------------

def _s(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _i(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "integer", "description": description, **extra}


EUROS = {"type": ["string", "number"], "description": "Bedrag in euro's, bijv. 1234,56."}
DATE = {"type": "string", "format": "date", "description": "Datum, bijv. 2026-01-31."}
ON = {"type": ["boolean", "string"], "description": "Aan: true, 1, on of ja."}
CODES = {"type": ["array", "string"], "items": {"type": "string"},
         "description": "Gebiedscodes: een lijst, of komma-gescheiden."}
VERSIE = _i("De versie die u laadde (optimistische vergrendeling; anders 409).")
TARGET = {
    "code": _s("Code van het doel, bijv. zuid-lbm-2031."),
    "naam": _s("Naam; leeg: afgeleid van indicator, gebieden en doeljaar."),
    "gebieden": CODES,
    "meting": _s("indicator of opgave.", enum=["indicator", "opgave"]),
    "indicator": _s("Indicatorcode (bij meting=indicator)."),
    "kader": _s("Afwegingskader (bij meting=opgave)."),
    "opgave": _s("Opgavecode (bij meting=opgave)."),
    "soort": _s("Soort doel.", enum=list(KINDS)),
    "waarde": {"type": ["number", "string"], "description": "Doelwaarde, verandering of marge."},
    "basisjaar": _i("Basisjaar."),
    "doeljaar": _i("Doeljaar."),
    "referentie": CODES,
    "referentie_naam": _s("Naam van de referentie."),
    "referentiejaar": _i("Jaar van de referentie."),
    "klassegrens": {"type": ["number", "string"], "description": "Klassegrens (soort tier)."},
    "richting": _s("Richting van de indicator.", enum=list(DIRECTIONS)),
    "tussendoelen": _s("Tussendoelen JAAR=WAARDE, komma-gescheiden."),
    "toelichting": _s("Toelichting."),
    "reden": _s("Reden (audittrail)."),
}
BODIES: dict[tuple[str, str], tuple[dict[str, Any], list[str]]] = {
    ("post", "/api/v1/partners"): ({
        "naam": _s("Naam van de partner (mag / en andere tekens bevatten)."),
        "soort": _s("Soort partner.", enum=list(PARTNER_TYPES)),
        "notities": _s("Notities.")}, ["naam", "soort"]),
    ("post", "/api/v1/partners/{naam}"): ({
        "soort": _s("Soort partner.", enum=list(PARTNER_TYPES)), "notities": _s("Notities."),
        "versie": VERSIE}, ["versie"]),
    ("post", "/api/v1/partners/{naam}/tafels"): ({
        "gebied": _s("Gebiedscode."), "opgave": _s("Opgavecode, bijv. wonen."),
        "rol": _s("Rol aan tafel.", enum=list(ROLES))}, ["gebied", "opgave"]),
    ("post", "/api/v1/partners/{naam}/tafels/intrekken"): ({
        "gebied": _s("Gebiedscode."), "opgave": _s("Opgavecode.")}, ["gebied", "opgave"]),
    ("post", "/api/v1/partners/{naam}/toezeggingen"): ({
        "wat": _s("Wat de partner toezegt."), "van": DATE, "tot": DATE,
        "gebied": _s("Gebiedscode."), "opgave": _s("Opgavecode."),
        "maatregel": _s("Maatregelcode."), "geldstroom": _s("Geldstroomcode."),
        "bedrag": EUROS, "opvolger_van": _i("Nummer van de toezegging die deze opvolgt.")},
        ["wat", "van"]),
    ("post", "/api/v1/kernteams/{gebied}"): ({
        "naam": _s("Naam van het kernteam."), "mandaat": _s("Mandaat."), "budget": EUROS,
        "geldstroom": _s("Geldstroomcode."),
        "versie": _i("De geladen versie; 0 of leeg voor een nieuw team.")}, []),
    ("post", "/api/v1/kernteams/{gebied}/leden"): ({
        "naam": _s("Naam van het lid."), "rol": _s("Rol."),
        "partner": _s("Partner van het lid.")}, ["naam"]),
    ("post", "/api/v1/kernteams/{gebied}/besluiten"): ({
        "besluit": _s("Het besluit."), "bedrag": EUROS, "datum": DATE}, ["besluit"]),
    ("post", "/api/v1/agenda/opslaan"): ({
        "agenda": _i("Id van de geladen agenda(versie)."), "versie": VERSIE,
        "kader": _s("Afwegingskader voor de prioriteiten."), "vervang": ON,
        "jaar": _i("Jaar van de nieuwe versie.")}, ["versie"]),
    ("post", "/api/v1/agenda/vastleggen"): ({
        "agenda": _i("Id van de agenda(versie)."), "geldstroom": _s("Geldstroomcode."),
        "maatregel": _s("Maatregelcode."), "jaar": _i("Jaar."), "bedrag": EUROS,
        "reden": _s("Reden."), "loslaten": ON, "versie": VERSIE},
        ["geldstroom", "maatregel", "jaar", "versie"]),
    ("post", "/api/v1/agenda/markeren"): ({
        "agenda": _i("Id van de agenda(versie)."), "maatregel": _s("Maatregelcode."),
        "markering": _s("Markering.", enum=["verplicht", "uitgesloten", "vrij"]),
        "reden": _s("Reden."), "versie": VERSIE}, ["maatregel", "markering", "versie"]),
    ("post", "/api/v1/monitor/doelen"): (TARGET, ["code", "gebieden", "soort", "basisjaar",
                                                   "doeljaar"]),
    ("post", "/api/v1/monitor/doelen/{code}"): ({**TARGET, "versie": VERSIE}, []),
    ("post", "/api/v1/monitor/pilots"): ({
        "code": _s("Code van de pilot."), "naam": _s("Naam."), "gebieden": CODES,
        "startjaar": _i("Startjaar."), "indicatoren": CODES | {
            "description": "Indicatorcodes: een lijst, of komma-gescheiden."},
        "maatregelen": _s("Gekoppelde maatregelen, komma-gescheiden."),
        "toelichting": _s("Toelichting."), "versie": VERSIE}, ["code", "gebieden", "startjaar"]),
    ("post", "/api/v1/buurtbudget/{ronde}/voorstellen"): ({
        "code": _s("Project-id van het voorstel (zonder komma of puntkomma)."),
        "naam": _s("Naam van het voorstel."), "kosten": EUROS,
        "gebied": _s("Gebiedscode (standaard dat van de ronde)."), "thema": _s("Thema."),
        "indiener": _s("Wie het voorstel indiende."),
        "status": _s("Status.", enum=["ingediend", "toegelaten", "afgewezen"]),
        "reden": _s("Reden (verplicht bij afgewezen)."), "versie": VERSIE},
        ["code", "naam", "kosten"]),
}
UPLOADS: dict[tuple[str, str], tuple[dict[str, Any], list[str]]] = {
    ("post", "/api/v1/agenda/import"): ({
        "bestand": {"type": "string", "format": "binary", "description": "De werkmap (.xlsx)."},
        "agenda": _i("Id van de getoonde agenda."), "vervang": ON, "versie": VERSIE},
        ["bestand"]),
    ("post", "/api/v1/buurtbudget/{ronde}/stemmen"): ({
        "bestand": {"type": "string", "format": "binary",
                    "description": "CSV of Excel met voter_id en vote, of een .pb-bestand."}},
        ["bestand"]),
}
# Writes that check the version the user loaded (or a concurrent first save): 409.
CONFLICTS = {
    ("post", "/api/v1/partners/{naam}"), ("post", "/api/v1/kernteams/{gebied}"),
    ("post", "/api/v1/agenda/opslaan"), ("post", "/api/v1/agenda/vastleggen"),
    ("post", "/api/v1/agenda/markeren"), ("post", "/api/v1/agenda/import"),
    ("post", "/api/v1/monitor/doelen/{code}"), ("post", "/api/v1/monitor/pilots"),
    ("post", "/api/v1/buurtbudget/{ronde}/voorstellen"),
}
# Reads that need a login or token (view_audit).
PROTECTED_READS = {("get", "/api/v1/audit")}
# Query parameters whose rule the service checks (documented here).
PARAMETER_SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/partners", "soort"): {"type": "string", "enum": list(PARTNER_TYPES)},
    ("/api/v1/audit", "sinds"): {"type": "string", "anyOf": [{"format": "date"},
                                                             {"maxLength": 0}]},
    # none (only empty values: the page to choose from), or two to four different codes
    ("/api/v1/vergelijken", "gebied"): {"type": "array", "anyOf": [
        {"items": {"type": "string", "const": ""}},
        {"items": {"type": "string", "pattern": "^[^\\s\\u0000]+$"}, "minItems": 2,
         "maxItems": 4, "uniqueItems": True}]},
}
NO_NUL = "^[^\\u0000]*$"  # no input may hold a NUL character (web.input_guard): 422
# Any JSON value without a NUL character: what a body may carry in fields it does not use.
ANY_VALUE = {"description": "Elke JSON-waarde zonder NUL-teken (onbekende velden worden "
             "genegeerd).",
             "anyOf": [{"type": ["number", "boolean", "null"]},
                       {"type": "string", "pattern": NO_NUL},
                       {"type": "array", "items": {"$ref": "#/components/schemas/Waarde"}},
                       {"type": "object", "propertyNames": {"pattern": NO_NUL},
                        "additionalProperties": {"$ref": "#/components/schemas/Waarde"}}]}
CSRF = {"csrf_token": _s("CSRF-token van de sessie (alleen bij een formulier met sessie; met "
                         "een API-token niet nodig).")}


def _object(fields: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": fields}
    if required:
        schema["required"] = required
    return no_nul(schema)


def request_body(key: tuple[str, str]) -> dict[str, Any] | None:
    """The declared body of a write operation (JSON and form, or a multipart upload)."""
    if key in UPLOADS:
        fields, required = UPLOADS[key]
        return {"required": True, "content": {
            MULTIPART: {"schema": _object({**fields, **CSRF}, required)}}}
    if key in BODIES:
        fields, required = BODIES[key]
        return {"required": True, "content": {
            JSON: {"schema": _object(fields, required)},
            FORM: {"schema": _object({**fields, **CSRF}, required)}}}
    return None


def no_nul(schema: Any) -> Any:
    """``schema`` with the no-NUL rule on every free text (strings without a pattern, enum or
    format, and the names of extra object properties)."""
    if isinstance(schema, list):
        return [no_nul(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: no_nul(v) if k in ("items", "anyOf", "oneOf", "allOf") else v
           for k, v in schema.items()}
    if "properties" in out:
        out["properties"] = {k: no_nul(v) for k, v in out["properties"].items()}
    types = out.get("type")
    types = types if isinstance(types, list) else [types]
    if "string" in types and not {"pattern", "enum", "format", "const"} & set(out):
        out["pattern"] = NO_NUL
    if "object" in types and "propertyNames" not in out:
        out["propertyNames"] = {"pattern": NO_NUL}
        out.setdefault("additionalProperties", {"$ref": "#/components/schemas/Waarde"})
    return out


def _error(status: int) -> dict[str, Any]:
    return {"description": STATUS_TEXT[status],
            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Fout"}}}}


def statuses(method: str, path: str, op: dict[str, Any], *, public: bool) -> list[int]:
    """The error statuses an operation answers with."""
    write = method != "get"
    codes = {422}  # invalid input (also a NUL character in any query)
    if op.get("parameters") or write:
        codes.add(404)
    if write or (method, path) in PROTECTED_READS:
        codes |= {401, 403}
    elif not public:
        codes.add(401)
    if write:
        codes.add(413)
    if (method, path) in CONFLICTS:
        codes.add(409)
    if (method, path) in UPLOADS:
        codes.add(400)
    return sorted(codes)


def complete(schema: dict[str, Any], *, public: bool = True) -> dict[str, Any]:
    """Add bodies, statuses, media types and security to FastAPI's ``schema`` (in place)."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Fout"] = ERROR
    schemas["Waarde"] = ANY_VALUE
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    components["securitySchemes"] = {
        "token": {"type": "http", "scheme": "bearer",
                  "description": "API-token (wijkkompas user token)."},
        "sessie": {"type": "apiKey", "in": "cookie", "name": "wk_session",
                   "description": "Sessie na inloggen; bij schrijven met het CSRF-token (veld "
                   "csrf_token of kop X-CSRF-Token)."},
    }
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            key = (method, path)
            body = request_body(key)
            if body is not None:
                op["requestBody"] = body
            responses = op.setdefault("responses", {})
            for status in statuses(method, path, op, public=public):
                responses[str(status)] = _error(status)
            media = next((m for ext, m in DOWNLOADS.items() if path.endswith(ext)), None)
            ok = next((responses[c] for c in ("200", "201") if c in responses), None)
            if media is not None and ok is not None:
                ok["content"] = {media[0]: {"schema": media[1]}}
            if method != "get" or key in PROTECTED_READS or not public:
                op["security"] = [{"token": []}, {"sessie": []}]
            for param in op.get("parameters", ()):
                param["schema"] = no_nul(PARAMETER_SCHEMAS.get((path, param.get("name")),
                                                               param.get("schema", {})))
    return schema


__all__ = ["BODIES", "CONFLICTS", "UPLOADS", "complete", "request_body", "statuses"]
