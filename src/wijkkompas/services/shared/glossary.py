"""The glossary (``/begrippen``): the words the pages use, explained in plain Dutch (English
through the catalogue). Pages link a term to ``/begrippen#<key>``.

    >>> [t.key for t in glossary().terms][:3]
    ['score', 'referentie', 'klasse']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wijkkompas.i18n import _

KEYS = ("score", "referentie", "klasse", "rang", "opgave", "peiljaar", "imputatie",
        "normalisatie", "weging", "gevoeligheid", "koppelkans", "geheim")


@dataclass
class Term:
    key: str  # the anchor: /begrippen#<key>
    name: str
    text: str
    example: str = ""
    see: list[str] = field(default_factory=list)  # keys of related terms


@dataclass
class GlossaryView:
    title: str
    intro: str
    terms: list[Term]


def _terms() -> list[Term]:
    return [
        Term("score", _("Score"),
             _("Eén getal per gebied en opgave dat de indicatoren samenvat. In de meeste kaders "
               "betekent 100 'gelijk aan de referentie'; lager is slechter, hoger is beter. "
               "Scores tonen we met één decimaal."),
             _("Een score van 92,5 ligt 7,5 punten onder de referentie."),
             ["referentie", "normalisatie"]),
        Term("referentie", _("Referentie"),
             _("Waarmee een gebied vergeleken wordt: bijvoorbeeld de hele gemeente, Nederland "
               "of het gemiddelde van een aantal gemeenten, in een vast jaar. De referentie "
               "scoort per definitie 100."),
             "", ["score", "peiljaar"]),
        Term("klasse", _("Klasse (prioriteitsklasse)"),
             _("Een indeling van de gebieden op hun score, bijvoorbeeld 'hoge prioriteit', "
               "'prioriteit', 'aandacht' en 'overig'. Het kader bepaalt de grenzen: een vast "
               "deel van de gebieden, vaste scoregrenzen of de n laagste scores."),
             "", ["score", "rang"]),
        Term("rang", _("Rang"),
             _("De plaats van een gebied in de ranglijst van een opgave. Rang 1 is het gebied "
               "dat de meeste aandacht vraagt."),
             "", ["klasse", "gevoeligheid"]),
        Term("opgave", _("Opgave"),
             _("Een beleidsthema waarop gebieden gescoord worden, zoals fysiek, sociaal of "
               "veiligheid. Een opgave bestaat uit thema's, en een thema uit indicatoren."),
             "", ["score", "koppelkans"]),
        Term("peiljaar", _("Peiljaar"),
             _("Het jaar waarvoor gescoord wordt. Per indicator telt de recentste waarde uit "
               "dat jaar of hoogstens enkele jaren eerder (het kader zegt hoeveel); het jaar van "
               "elke waarde staat erbij. De normalisatie ligt vast op één basisjaar of op alle "
               "jaren samen, zodat scores van verschillende peiljaren vergelijkbaar blijven."),
             "", ["normalisatie", "referentie"]),
        Term("imputatie", _("Imputatie (aanvullen)"),
             _("Een ontbrekende waarde aanvullen, bijvoorbeeld met de vorige meting of het "
               "gemiddelde van de gemeente, zodat een gebied toch een score krijgt. Aangevulde "
               "waarden zijn gemarkeerd met een sterretje (*)."),
             "", ["geheim"]),
        Term("normalisatie", _("Normalisatie"),
             _("Indicatoren in verschillende eenheden (procenten, euro's, aantallen) op één "
               "schaal brengen, zodat ze opgeteld kunnen worden. Bij een z-score met 100 = "
               "referentie betekent 110 'één standaardafwijking beter dan de referentie' (als "
               "10 punten één standaardafwijking is)."),
             "", ["score", "peiljaar"]),
        Term("weging", _("Weging"),
             _("Hoe zwaar een indicator, thema of opgave meetelt. Op de pagina "
               "'Afwegingskader' kunt u gewichten verschuiven en direct het effect zien."),
             "", ["gevoeligheid"]),
        Term("gevoeligheid", _("Gevoeligheid (rangonzekerheid)"),
             _("Hoe vast de rang van een gebied ligt als de gewichten een beetje anders "
               "gekozen worden. We rekenen honderden varianten door; een smal interval "
               "betekent een robuuste uitkomst."),
             "", ["rang", "weging"]),
        Term("koppelkans", _("Koppelkans"),
             _("Een gebied waar twee of meer opgaven tegelijk in een prioriteitsklasse vallen. "
               "Daar kan één aanpak meer opgaven tegelijk dienen."),
             "", ["opgave", "klasse"]),
        Term("geheim", _("Geheim"),
             _("Een waarde die CBS niet publiceert omdat er te weinig inwoners of huishoudens "
               "achter zitten. Wijkkompas toont zo'n waarde nooit als getal."),
             "", ["imputatie"]),
    ]


def glossary() -> GlossaryView:
    """The glossary in the current language."""
    return GlossaryView(_("Begrippen"), _("Wat de woorden op deze pagina's betekenen."),
                        _terms())
