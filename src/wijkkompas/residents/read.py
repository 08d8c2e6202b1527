"""Read resident input: a survey table (CSV or Excel) or a Rotterdam Wijkprofiel workbook.

A survey table has one row per area, theme and year (column names are case-insensitive; the
first of each list that is present is used):

==================== =========================================================== ==========
column               content                                                     required
==================== =========================================================== ==========
gebied               CBS code of the buurt, wijk or gemeente (or an own area)    yes
thema                the survey's theme: a catalogue theme or a free name        yes
catalogusthema       the catalogue theme a free theme belongs to                 no
jaar                 year of the survey                                          yes
aandeel              % of respondents naming the theme as a priority (0–100)     one of
rapportcijfer        mean satisfaction score (1–10)                              these
index                survey index (100 = the city in the base year)              three
respondenten         number of respondents                                       no
marge                margin (percentage points, or points of the score)          no
==================== =========================================================== ==========

A Wijkprofiel workbook gives its subjective indices (``SIs``, ``FIs``, ``VIs``, what residents
say) per buurt as ``index``: sociale index → welzijn, fysieke index → leefbaarheid,
veiligheidsindex → veiligheid. The workbook has no respondent counts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wijkkompas.data.catalogue import Catalogue, load_catalogue
from wijkkompas.data.tables import read_raw
from wijkkompas.errors import DataError
from wijkkompas.residents.measures import MEASURES
from wijkkompas.residents.themes import resolve_theme, theme_lookup

COLUMNS = ["area_code", "theme", "label", "year", "measure", "value", "respondents", "margin",
           "line"]
AREA_NAMES = ("gebied", "gebiedscode", "code", "area_code", "buurtcode", "wijkcode",
              "gwb_code")
THEME_NAMES = ("thema", "onderwerp", "theme")
CATALOGUE_THEME_NAMES = ("catalogusthema", "catalogus_thema", "catalogue_theme")
YEAR_NAMES = ("jaar", "peiljaar", "year")
MEASURE_NAMES = {
    "aandeel": ("aandeel", "aandeel_prioriteit", "aandeel prioriteit", "prioriteit",
                "percentage", "aandeel (%)"),
    "rapportcijfer": ("rapportcijfer", "cijfer", "tevredenheid", "gemiddeld rapportcijfer"),
    "index": ("index",),
}
RESPONDENT_NAMES = ("respondenten", "aantal_respondenten", "aantal respondenten", "n")
MARGIN_NAMES = ("marge", "foutmarge", "betrouwbaarheidsmarge", "margin")
CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{4,12}$|^[A-Z0-9][A-Z0-9_\-]{1,31}$")
WIJKPROFIEL = {"wp_si_subj": ("welzijn", "Wijkprofiel sociale index (subjectief)"),
               "wp_fi_subj": ("leefbaarheid", "Wijkprofiel fysieke index (subjectief)"),
               "wp_vi_subj": ("veiligheid", "Wijkprofiel veiligheidsindex (subjectief)")}
MAX_ROWS = 200_000


@dataclass
class ResidentData:
    """Resident results as read, before they meet the database."""

    file: Path
    form: str  # "tabel" or "wijkprofiel"
    frame: pd.DataFrame  # COLUMNS
    source: str
    warnings: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].unique())


def read_residents(path: Path | str, *, source: str | None = None, sheet: str | int | None
                   = None, catalogue: Catalogue | None = None) -> ResidentData:
    """Read a survey table or a Wijkprofiel workbook (recognised by its sheets)."""
    from wijkkompas.data.wijkprofiel import is_wijkprofiel

    path = Path(path)
    if not path.exists():
        raise DataError("bestand niet gevonden", file=str(path))
    if path.is_dir():
        raise DataError("dit is een map, geen bestand", file=str(path))
    if is_wijkprofiel(path):
        return read_wijkprofiel_residents(path, source=source)
    return read_survey_table(path, source=source, sheet=sheet, catalogue=catalogue)


def _column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    by_low = {str(c).strip().lower(): str(c) for c in frame.columns}
    return next((by_low[n] for n in names if n in by_low), None)


def _number(text: object, *, file: str, line: int, column: str) -> float | None:
    """A cell as a number (comma or point decimals, an optional % sign); None when empty."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    raw = str(text).strip()
    if raw in ("", ".", "-", "x"):
        return None
    clean = raw.rstrip("%").strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+", clean):
        clean = clean.replace(".", "")
    clean = clean.replace(",", ".")
    try:
        value = float(clean)
    except ValueError:
        raise DataError("geen getal", file=file, row=line, column=column, value=raw) from None
    if not math.isfinite(value):
        raise DataError("geen eindig getal", file=file, row=line, column=column, value=raw)
    return value


def read_survey_table(path: Path, *, source: str | None = None, sheet: str | int | None = None,
                      catalogue: Catalogue | None = None) -> ResidentData:
    """A survey or participation table (see the module docstring)."""
    cat = catalogue or load_catalogue()
    raw = read_raw(path, sheet=sheet)
    frame, line_of, name = raw.frame, raw.line_of, path.name
    if len(frame) > MAX_ROWS:
        raise DataError(f"te veel rijen ({len(frame)}); hoogstens {MAX_ROWS}", file=name)
    area_col = _column(frame, AREA_NAMES)
    theme_col = _column(frame, THEME_NAMES)
    year_col = _column(frame, YEAR_NAMES)
    for col, what in ((area_col, "gebied"), (theme_col, "thema"), (year_col, "jaar")):
        if col is None:
            raise DataError(f"kolom '{what}' ontbreekt; kolommen: "
                            f"{', '.join(map(str, frame.columns[:12]))}", file=name,
                            row=raw.header_line, column=what)
    measure_cols = {m: c for m in MEASURES if (c := _column(frame, MEASURE_NAMES[m]))}
    if not measure_cols:
        raise DataError("geen kolom met een uitkomst: geef 'aandeel' (% dat het thema als "
                        "prioriteit noemt), 'rapportcijfer' (1–10) of 'index'", file=name,
                        row=raw.header_line)
    cat_col = _column(frame, CATALOGUE_THEME_NAMES)
    n_col = _column(frame, RESPONDENT_NAMES)
    margin_col = _column(frame, MARGIN_NAMES)
    lookup = theme_lookup(cat)
    choices = ", ".join(sorted(cat.themes))
    records = []
    no_n = 0
    for pos in range(len(frame)):
        row = frame.iloc[pos]
        line = int(line_of(pos))
        code = str(row[area_col] if pd.notna(row[area_col]) else "").strip().upper()
        label = str(row[theme_col] if pd.notna(row[theme_col]) else "").strip()
        if not code and not label:
            continue  # an empty line
        if not CODE.fullmatch(code):
            raise DataError("geen geldige gebiedscode", file=name, row=line, column=area_col,
                            value=code)
        if not label:
            raise DataError("thema ontbreekt", file=name, row=line, column=theme_col)
        if len(label) > 200:
            raise DataError("thema langer dan 200 tekens", file=name, row=line,
                            column=theme_col, value=label[:40] + "…")
        explicit = (str(row[cat_col]).strip() if cat_col and pd.notna(row[cat_col]) else "")
        theme = resolve_theme(explicit or label, lookup)
        if theme is None:
            where = cat_col if explicit else theme_col
            raise DataError(
                "onbekend thema; gebruik een thema van de catalogus of zet het in de kolom "
                f"'catalogusthema' (kies uit: {choices})", file=name, row=line, column=where,
                value=explicit or label)
        year = _number(row[year_col], file=name, line=line, column=year_col)
        if year is None or not year.is_integer() or not 1900 <= year <= 2100:
            raise DataError("jaar moet een jaartal zijn (1900–2100)", file=name, row=line,
                            column=year_col, value=row[year_col])
        n = _number(row[n_col], file=name, line=line, column=n_col) if n_col else None
        if n is not None and (not n.is_integer() or n < 1):
            raise DataError("aantal respondenten moet een positief geheel getal zijn",
                            file=name, row=line, column=n_col, value=row[n_col])
        margin = (_number(row[margin_col], file=name, line=line, column=margin_col)
                  if margin_col else None)
        if margin is not None and margin < 0:
            raise DataError("marge kan niet negatief zijn", file=name, row=line,
                            column=margin_col, value=row[margin_col])
        found = 0
        for measure, col in measure_cols.items():
            value = _number(row[col], file=name, line=line, column=col)
            if value is None:
                continue
            spec = MEASURES[measure]
            if not spec.low <= value <= spec.high:
                raise DataError(f"{spec.name} moet tussen {spec.low:g} en {spec.high:g} liggen",
                                file=name, row=line, column=col, value=row[col])
            found += 1
            records.append((code, theme, label, int(year), measure, value,
                            None if n is None else int(n), margin, line))
        if not found:
            raise DataError(f"geen uitkomst in {', '.join(measure_cols.values())}", file=name,
                            row=line)
        no_n += n is None
    out = pd.DataFrame(records, columns=COLUMNS)
    if out.empty:
        raise DataError("geen rijen met uitkomsten", file=name)
    key = ["area_code", "theme", "label", "year", "measure"]
    dup = out[out.duplicated(key, keep=False)]
    if len(dup):
        first = dup.iloc[0]
        lines = dup[(dup[key] == first[key]).all(axis=1)]["line"].tolist()
        raise DataError(f"dubbele uitkomst voor {first['area_code']}, thema {first['label']!r}, "
                        f"{first['year']} (rijen {', '.join(map(str, lines))})", file=name,
                        row=int(lines[-1]), column=theme_col, value=first["label"])
    warnings = []
    if no_n:
        warnings.append(f"{no_n} rijen zonder aantal respondenten: of de steekproef klein is, "
                        "is niet te zeggen")
    return ResidentData(path, "tabel", out, source or path.name, warnings)


def read_wijkprofiel_residents(path: Path, *, source: str | None = None) -> ResidentData:
    """The Wijkprofiel's subjective indices (what residents say) per buurt and year."""
    from wijkkompas.data.wijkprofiel import SOURCE, read_wijkprofiel

    parsed = read_wijkprofiel(path)
    obs = parsed.observations
    obs = obs[obs["indicator"].isin(list(WIJKPROFIEL)) & (obs["status"] == "ok")]
    if obs.empty:
        raise DataError("geen subjectieve Wijkprofiel-indices (SIs, FIs, VIs) gevonden",
                        file=path.name)
    theme = obs["indicator"].map(lambda i: WIJKPROFIEL[i][0])
    label = obs["indicator"].map(lambda i: WIJKPROFIEL[i][1])
    frame = pd.DataFrame({
        "area_code": obs["area_code"].to_numpy(dtype=object), "theme": theme.to_numpy(),
        "label": label.to_numpy(), "year": obs["year"].astype(int).to_numpy(),
        "measure": "index", "value": obs["value"].astype(float).to_numpy(),
        "respondents": None, "margin": None, "line": obs["line"].astype(int).to_numpy(),
    })[COLUMNS]
    warnings = [w for w in parsed.warnings]
    warnings.append("het Wijkprofiel geeft geen aantallen respondenten: of de steekproef klein "
                    "is, is niet te zeggen")
    return ResidentData(path, "wijkprofiel", frame.reset_index(drop=True), source or SOURCE,
                        warnings)
