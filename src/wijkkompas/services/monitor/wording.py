"""How the monitor speaks: status labels, the translation of the monitor library's messages,
a target in one sentence, and the numbers of a subject with the decimals of its unit."""

from __future__ import annotations

from wijkkompas.formatting import percent, signed
from wijkkompas.i18n import _, current_language
from wijkkompas.services.monitor import usecases as svc
from wijkkompas.services.shared.context import ViewContext
from wijkkompas.services.shared.formatting import Shown, format_number, show_score


def status_label(status: str) -> str:
    labels = {
        "achieved": _("doel bereikt"), "on_track": _("op koers"),
        "uncertain": _("onzeker: het doel valt binnen de bandbreedte van de prognose"),
        "off_track": _("niet op koers"),
        "too_few_points": _("te weinig punten voor een betrouwbare trend"),
        "no_data": _("geen gegevens"),
    }
    return labels.get(status, status)


def _fragments() -> list[tuple[str, str]]:
    """Dutch fragments of the monitor's library messages and their translation (longest
    first), so service warnings, notes and flags read in the page's language; codes, numbers
    and names inside a message stay as they are."""
    pairs = [
        ("sommige waarden zijn geharmoniseerd of gekoppeld over een grenswijziging; zie de "
         "kolom 'flags'", _("sommige waarden zijn geharmoniseerd of gekoppeld over een "
                            "grenswijziging; zie de kolom 'flags'")),
        (" zijn gekoppeld of geharmoniseerd naar de nieuwste grenzen; zie de kolom 'flags'",
         _(" zijn gekoppeld of geharmoniseerd naar de nieuwste grenzen; zie de kolom "
           "'flags'")),
        ("grenswijziging: waarden van ", _("grenswijziging: waarden van ")),
        ("grens gewijzigd, niet te harmoniseren (geen aantal en geen noemer): ",
         _("grens gewijzigd, niet te harmoniseren (geen aantal en geen noemer): ")),
        (": Theil-index en variatiecoëfficiënt zijn daar niet bepaald (gebruik de "
         "kwintielkloof)", _(": Theil-index en variatiecoëfficiënt zijn daar niet bepaald "
                             "(gebruik de kwintielkloof)")),
        ("negatieve waarden in ", _("negatieve waarden in ")),
        ("geharmoniseerd (teller en noemer oppervlaktegewogen)",
         _("geharmoniseerd (teller en noemer oppervlaktegewogen)")),
        ("geharmoniseerd (oppervlaktegewogen)", _("geharmoniseerd (oppervlaktegewogen)")),
        ("gekoppeld (code gewijzigd)", _("gekoppeld (code gewijzigd)")),
        ("zonder volledige basiswaarden, niet gebruikt: ",
         _("zonder volledige basiswaarden, niet gebruikt: ")),
        ("constante indicatoren tellen niet mee: ", _("constante indicatoren tellen niet mee: ")),
        ("zonder waarden vóór én na de start, niet meegeteld: ",
         _("zonder waarden vóór én na de start, niet meegeteld: ")),
        ("maar één jaar vóór de start: parallelle trends zijn niet te toetsen",
         _("maar één jaar vóór de start: parallelle trends zijn niet te toetsen")),
        ("basisjaar voor de selectie: ", _("basisjaar voor de selectie: ")),
        ("; indicatoren: ", _("; indicatoren: ")),
        ("; methode: ", _("; methode: ")),
        (" gebied(en))", _(" gebied(en))")),
        (" (uit ", _(" (uit ")),
        (" in ", _(" in ")),
    ]
    return sorted(pairs, key=lambda p: -len(p[0]))


def translate_message(text: str) -> str:
    """A library message (Dutch) in the page's language, fragment by fragment."""
    if current_language() == "nl" or not text:
        return text
    out = text
    for dutch, shown in _fragments():
        out = out.replace(dutch, shown)
    return out


def note_text(code: str, params: dict) -> str:
    texts = {
        "no_baseline": _("geen waarde in het basisjaar {year}"),
        "met_at_baseline": _("voldeed in het basisjaar al aan het doel"),
        "no_target_value": _("geen doelwaarde (basiswaarde ontbreekt)"),
        "few_points": _("{n} meetpunt(en) sinds {start}"),
        "pace": _("tempo tot nu toe {observed} per jaar, nodig {needed} per jaar"),
    }
    shown = {k: format_number(v, 3 if abs(v) < 100 else 0) if isinstance(v, float) else v
             for k, v in params.items()}
    return texts.get(code, code).format(**shown)


def milestone_text(check: dict, decimals: int) -> str:
    year = check["year"]
    if check["basis"] == "none":
        return _("{year}: geen meting in dat jaar").format(year=year)
    verdict = _("gehaald") if check["met"] else _("niet gehaald")
    value = format_number(check["value"], decimals)
    goal = format_number(check["goal"], decimals)
    if check["basis"] == "measured":
        return _("{year}: {verdict} (gemeten {value}, tussendoel {goal})").format(
            year=year, verdict=verdict, value=value, goal=goal)
    if check["basis"] == "trend":
        return _("{year}: geen meting in dat jaar; volgens de trend {value}, tussendoel {goal}: "
                 "{verdict}").format(year=year, value=value, goal=goal, verdict=verdict)
    return _("{year}: geen meting in dat jaar; lineair tussen {before} en {after} {value}, "
             "tussendoel {goal}: {verdict}").format(
        year=year, before=check["before"], after=check["after"], value=value, goal=goal,
        verdict=verdict)


def describe_target(target: svc.Target, ctx: ViewContext | None = None) -> str:
    """One sentence describing a target, in the page's language; its numbers with the decimals
    of the subject's unit (with ``ctx``) or as many as the value needs."""
    dec = (decimals_of(ctx, target.subject, target.measure) if ctx is not None
           else 0 if float(target.value or 0).is_integer() else 2)
    if target.kind == "absolute":
        how = _("naar {value} in {year}").format(value=format_number(target.value, dec),
                                                 year=target.target_year)
    elif target.kind == "change":
        how = _("{value} t.o.v. {base} in {year}").format(
            value=signed(target.value, dec), base=target.baseline_year,
            year=target.target_year)
    elif target.kind == "reference":
        label = target.reference_label or _("gemiddelde van {areas}").format(
            areas=", ".join(target.reference_areas))
        how = _("op het {label} in {year}").format(label=label, year=target.target_year)
        if target.reference_year is not None:
            how += f" ({target.reference_year})"
        if target.value:
            how += f" {signed(target.value, dec)}"
    else:
        how = _("uit de laagste klasse in {year}").format(year=target.target_year)
    what = target.subject if target.measure == "indicator" else _("opgave {code}").format(
        code=target.subject)
    return _("{what}: {how} (basis {base}; {n} gebied(en))").format(
        what=what, how=how, base=target.baseline_year, n=len(target.areas))


def subject_label(ctx: ViewContext, code: str, measure: str = "indicator") -> str:
    if measure != "indicator":
        return _("opgave {code}").format(code=code)
    row = ctx.indicator_meta().get(code)
    if row is None:
        return code
    label = row["label_en"] if current_language() == "en" and row["label_en"] else row["label_nl"]
    return str(label)


def decimals_of(ctx: ViewContext, code: str, measure: str = "indicator") -> int:
    row = ctx.indicator_meta().get(code) if measure == "indicator" else None
    return int(row["decimals"]) if row is not None else 1


def shown_number(value: object, decimals: int) -> Shown:
    return show_score(value, decimals)


def shown_share(value: object) -> Shown:
    number = show_score(value, 0)
    if number.value is None:
        return number
    return Shown(number.value, percent(number.value, fraction=True), "ok")
