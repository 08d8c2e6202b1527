"""The drop-down lists of an agenda workbook (:mod:`wijkkompas.agenda.excel`)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from wijkkompas.agenda.model import FUNDING_MODES, MEASURE_TYPES, OWNERS, STATUSES, Agenda


def add_lists(wb: Workbook, agenda: Agenda, sheets: dict[str, list[str]],
              optional: dict[str, list[str]], *, max_rows: int, yes_no: tuple[str, str]) -> None:
    """A hidden sheet ``Lijsten`` with the choices, and drop-down validation on the columns
    that take them (status, type, yes/no, stream and measure codes)."""
    YES, NO = yes_no  # noqa: N806
    SHEETS, OPTIONAL, MAX_ROWS = sheets, optional, max_rows  # noqa: N806
    lists = {"status": list(STATUSES), "type": list(MEASURE_TYPES),
             "financiering": list(FUNDING_MODES), "eigenaar": list(OWNERS),
             "janee": [YES, NO], "geldstroom": [s.code for s in agenda.streams] or ["-"],
             "maatregel": [m.code for m in agenda.measures] or ["-"]}
    ws = wb.create_sheet("Lijsten")
    ws.sheet_state = "hidden"
    refs = {}
    for col, (name, items) in enumerate(lists.items(), start=1):
        ws.cell(1, col, name)
        for row, item in enumerate(items, start=2):
            ws.cell(row, col, item)
        letter = ws.cell(1, col).column_letter
        refs[name] = f"=Lijsten!${letter}$2:${letter}${len(items) + 1}"
    targets = {"Maatregelen": {"type": "type", "status": "status", "financiering":
                               "financiering", "verplicht": "janee", "uitgesloten": "janee",
                               "binnen termijn": "janee"},
               "Kosten": {"maatregel": "maatregel"}, "Effecten": {"maatregel": "maatregel"},
               "Geldstromen": {"eigenaar": "eigenaar"}, "Budgetten": {"geldstroom": "geldstroom"},
               "Toewijzingen": {"geldstroom": "geldstroom", "maatregel": "maatregel",
                                "handmatig": "janee"}}
    for sheet, cols in targets.items():
        ws = wb[sheet]
        header = SHEETS[sheet] + OPTIONAL.get(sheet, [])
        for col, list_name in cols.items():
            letter = ws.cell(1, header.index(col) + 1).column_letter
            dv = DataValidation(type="list", formula1=refs[list_name], allow_blank=True,
                                showErrorMessage=True, errorTitle="Ongeldige waarde",
                                error=f"Kies een waarde uit de lijst ({list_name}).")
            dv.add(f"{letter}2:{letter}{MAX_ROWS}")
            ws.add_data_validation(dv)
