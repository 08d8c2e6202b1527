"""Inert exports: no CSV or Excel cell that a spreadsheet program would run as a formula.

Names of partners, measures, areas and audit entries are typed by people and end up in
downloads that other people open in Excel or LibreOffice. A cell such as ``=cmd|' /C calc'!A0``,
``+SUM(1,1)`` or ``@SUM(1)`` would be run there as a formula (CSV injection). Every CSV and
Excel writer of wijkkompas therefore goes through this module:

* **CSV** (OWASP rule): a *text* cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a single quote in front (``'=cmd…``); the spreadsheet shows it as text.
  Numbers stay numbers: numeric columns are never touched, and a text cell that is a plain
  number (``-3.5``, ``+31``) cannot be a formula and is left as it is.
  A Dutch Excel splits a CSV on ``;`` (its list separator) rather than on ``,``, and a
  quoted line break or tab may split a cell too; so inside a text cell every part after a
  ``;``, tab or line break is treated as a cell of its own (``Zuid;=1+1`` becomes
  ``Zuid;'=1+1``). The provenance lines (``# key: value``) are raw lines, not quoted fields:
  a value there cannot open a new line, and each part after a ``,`` or ``;`` is neutralised.
* **Excel**: every cell that holds text is written as a string, never as a formula (openpyxl
  makes a formula of any text starting with ``=``, and an error value of ``#N/A``). The text
  itself is kept unchanged, so a workbook read back gives exactly the names that went in.

    >>> inert_text("@SUM(1)")
    "'@SUM(1)"
    >>> inert_text("-3.5"), inert_text("Zuid-Oost"), inert_text("Zuid;=1+1")
    ('-3.5', 'Zuid-Oost', "Zuid;'=1+1")

This module sits below the services: the CLI, the services, the framework results and the web
layer all use it. It knows nothing of HTTP or the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import IO, Any

import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
LINE_END = "\r\n"
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
_CELL_BREAKS = re.compile(r"([;\t\r\n])")  # where a spreadsheet may start a new cell
_LINE_BREAKS = re.compile(r"([,;\t])")  # the same within a raw provenance line


def _formula_like(text: str) -> bool:
    return text.startswith(DANGEROUS) and not _NUMBER.fullmatch(text)


def _inert_parts(text: str, breaks: re.Pattern[str]) -> str:
    """Quote every part after a break that would start a formula (after spaces or an opening
    double quote, which a spreadsheet skips or reads as the start of a quoted cell)."""
    parts = breaks.split(text)
    for i in range(2, len(parts), 2):
        body = parts[i].lstrip(' "')
        if body[:1] in ("=", "+", "-", "@") and _formula_like(body.rstrip(' "')):
            parts[i] = QUOTE + parts[i]
    return "".join(parts)


def inert_text(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula (and a
    ``'`` after each ``;``, tab or line break that would start one)."""
    if _formula_like(text):
        text = QUOTE + text
    if _CELL_BREAKS.search(text):
        text = _inert_parts(text, _CELL_BREAKS)
    return text


def inert_value(value: Any) -> Any:
    """:func:`inert_text` for text; any other value (numbers, dates, None) unchanged."""
    return inert_text(value) if isinstance(value, str) else value


def _is_text_column(series: pd.Series) -> bool:
    dtype = series.dtype
    return (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype))


def inert_frame(frame: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column labels are inert (see
    :func:`inert_text`); numeric, boolean and date columns keep their type and values.
    With ``index=True`` the index labels are treated too (for a frame written with its
    index)."""
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if _is_text_column(column):
            out.isetitem(position, column.astype(object).map(inert_value))
    if not isinstance(out.columns, pd.MultiIndex):
        out.columns = [inert_value(c) for c in out.columns]
    if index and not isinstance(out.index, pd.MultiIndex) and _is_text_column(
            out.index.to_series()):
        out.index = pd.Index([inert_value(v) for v in out.index], name=out.index.name)
    return out


def inert_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``csv.DictWriter`` row with every text value inert."""
    return {key: inert_value(value) for key, value in row.items()}


def meta_line(key: str, value: object) -> str:
    """One provenance line ``# key: value`` (with CRLF) that stays one line and whose
    parts after a ``,`` or ``;`` do not start a formula either."""
    text = re.sub(r"[\r\n]+", " ", f"# {key}: {value}")
    return _inert_parts(text, _LINE_BREAKS) + LINE_END


def write_csv(fh: IO[str], frame: pd.DataFrame, meta: Mapping[str, object] | None = None,
              *, index: bool = False) -> None:
    """Write the provenance as ``# key: value`` lines, then ``frame`` as CSV, all inert.
    Lines end in CRLF (RFC 4180, as Excel writes CSV): the CSV writer then also quotes a cell
    holding a bare carriage return, which would otherwise split its row."""
    for key, value in (meta or {}).items():
        fh.write(meta_line(key, value))
    inert_frame(frame, index=index).to_csv(fh, index=index, lineterminator=LINE_END)


def inert_cells(cells: Iterable[Any]) -> None:
    """Make openpyxl cells that hold text plain strings (never a formula or an error)."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.data_type != "s":
            cell.data_type = "s"


def inert_workbook(book: Any) -> Any:
    """Every text cell of an openpyxl workbook as a string; returns the book."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            inert_cells(row)
    return book


@contextmanager
def excel_writer(target: Any) -> Iterator[pd.ExcelWriter]:
    """``pd.ExcelWriter`` (openpyxl) whose workbook is made inert just before it is saved.

        >>> with excel_writer(path) as xl:  # doctest: +SKIP
        ...     frame.to_excel(xl, sheet_name="tabel", index=False)
    """
    with pd.ExcelWriter(target, engine="openpyxl") as xl:
        yield xl
        inert_workbook(xl.book)


__all__ = ["DANGEROUS", "excel_writer", "inert_cells", "inert_frame", "inert_row",
           "inert_text", "inert_value", "inert_workbook", "meta_line", "write_csv"]
