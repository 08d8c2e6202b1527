"""The parse boundary: what a third-party parser (json, openpyxl, xlrd, GDAL) must never see,
and the exception classes those parsers raise on damaged input.

Importers call these checks before they hand a file to a parser, and catch exactly the
classes listed here around the parser call, turning them into a located
:class:`~wijkkompas.errors.DataError` (one line, in Dutch). Nothing here touches the database.

    >>> load_json(b'{"a": [1, 2.5, null]}', file="x.json")
    {'a': [1, 2.5, None]}
"""

from __future__ import annotations

import functools
import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from wijkkompas.errors import DataError, TooLarge

#: A JSON integer longer than this cannot be a value (it does not even fit a double).
MAX_JSON_INT_DIGITS = 309
#: Zip archives (xlsx, zipped shapefiles): the most a member or the whole may unpack to,
#: and the highest compression ratio accepted for a large member (a "zip bomb" is 1000:1).
MAX_UNZIPPED_MEMBER = 1 << 30
MAX_UNZIPPED_TOTAL = 2 << 30
MAX_RATIO = 250
RATIO_FROM = 16 << 20  # ratios are only checked for members that unpack to more than this

# Declarations an xlsx part never needs; they are how XML entity expansion ("billion laughs")
# and external entities get in. Searched in the encodings an XML part may use.
_XML_DECLARATIONS = {
    marker.encode(enc): marker[2:]
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("ascii", "utf-16-le", "utf-16-be")
}
_CHUNK = 1 << 20

#: What openpyxl / xlrd (through pandas) raise on a damaged workbook: broken zip archive or
#: compressed stream, malformed XML, BIFF records that do not add up, missing parts, and
#: (xlrd) a compound-document directory whose entries point back at each other, which its
#: recursive walk turns into a RecursionError.
EXCEL_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ParseError, EOFError, OSError,
    struct.error, KeyError, IndexError, ValueError, TypeError, AttributeError,
    AssertionError, NotImplementedError, OverflowError, RecursionError,
)
try:  # xlrd is optional at runtime (only .xls needs it)
    import xlrd
    from xlrd.compdoc import CompDocError

    EXCEL_ERRORS += (xlrd.XLRDError, CompDocError)
except ImportError:  # pragma: no cover
    pass
try:  # openpyxl parses with lxml when it is installed (python-docx and WeasyPrint bring it)
    from lxml.etree import LxmlError

    EXCEL_ERRORS += (LxmlError,)
except ImportError:  # pragma: no cover
    pass


@functools.cache
def geo_errors() -> tuple[type[BaseException], ...]:
    """What pyogrio/GDAL raise on a file it cannot read (all of pyogrio's own errors derive
    from ``DataSourceError`` or ``DataLayerError``), and what shapely raises on the damaged
    WKB it hands over (a ring that does not close). A function, so that importing this module
    does not import GDAL: ``except geo_errors():`` is evaluated only when something is raised.
    """
    import pyogrio.errors
    import shapely.errors

    return (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError,
            UnicodeDecodeError, shapely.errors.GEOSException)


def one_line(exc: BaseException, limit: int = 200) -> str:
    """A parser's message on one line, shortened; the class name when it has none."""
    return " ".join(str(exc).split())[:limit] or type(exc).__name__


# --- JSON ---------------------------------------------------------------------------------


def _refuse_constant(name: str, file: str) -> Any:
    raise DataError(f"{name} is geen geldig JSON-getal (schrijf een ontbrekende waarde als "
                    "null)", file=file, value=name)


def _int_of(text: str, file: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise DataError(f"getal van {len(text.lstrip('-')):,} cijfers in de JSON; een waarde "
                        "kan nooit zo groot zijn (beschadigd bestand?)".replace(",", "."),
                        file=file, value=text[:20] + "...")
    return int(text)


def load_json(data: bytes | str, *, file: str, **hooks: Callable[..., Any]) -> Any:
    """``json.loads`` that refuses what the json module lets through or crashes on.

    Refused with a :class:`DataError`: nesting deeper than Python's recursion allows
    (``RecursionError``), integers of more than 309 digits (Python refuses more than 4,300
    with a ``ValueError``; no value is that large), and ``NaN``/``Infinity`` (not JSON).
    ``json.JSONDecodeError`` and ``UnicodeDecodeError`` pass through: callers word those
    themselves. ``hooks`` go to :func:`json.loads` (e.g. ``object_pairs_hook``).

    >>> load_json('{"a": NaN}', file="x.json")
    Traceback (most recent call last):
    ...
    wijkkompas.errors.DataError: x.json, waarde 'NaN': NaN is geen geldig JSON-getal ...
    """
    try:
        return json.loads(data, parse_int=lambda s: _int_of(s, file),
                          parse_constant=lambda s: _refuse_constant(s, file), **hooks)
    except RecursionError:
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
        line, depth = _deep_nesting(text)
        raise DataError(f"JSON is te diep genest (meer dan {depth} niveaus); is het bestand "
                        "beschadigd?", file=file, row=line) from None


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_NESTING_REPORTED = 100


def _deep_nesting(text: str) -> tuple[int | None, int]:
    """The line where nesting first gets deeper than 100 levels, and the deepest level."""
    depth = deepest = 0
    line: int | None = None
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
            if line is None and depth > _NESTING_REPORTED:
                line = text.count("\n", 0, m.start()) + 1
        elif tok in "]}":
            depth -= 1
    return line, max(deepest, _NESTING_REPORTED)


# --- zip archives (xlsx, zipped shapefiles) ------------------------------------------------


def check_zip(path: Path, what: str) -> zipfile.ZipFile:
    """Open ``path`` as a zip archive and refuse damage and zip bombs before a parser unpacks
    it; the caller closes the archive."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            struct.error) as exc:
        raise DataError(f"{what} is beschadigd of geen zip-archief ({one_line(exc)})",
                        file=path.name) from None
    try:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if (info.file_size > MAX_UNZIPPED_MEMBER or total > MAX_UNZIPPED_TOTAL
                    or (info.file_size > RATIO_FROM and ratio > MAX_RATIO)):
                size = total if total > MAX_UNZIPPED_TOTAL else info.file_size
                raise DataError(
                    f"{what} pakt uit tot {_size(size)} (onderdeel {info.filename!r}, "
                    f"{ratio:.0f} keer zo groot als ingepakt); "
                    "dat is te groot of een 'zip-bom' en wordt niet uitgepakt",
                    file=path.name, value=info.filename)
    except DataError:
        archive.close()
        raise
    return archive


def _size(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB".replace(",", ".")


def check_workbook(path: Path) -> None:
    """Refuse an xlsx/xlsm that is no sound zip archive, would unpack to gigabytes, or whose
    XML parts declare a DOCTYPE or entities (never needed in a workbook; the way entity
    expansion and external entities get in). Such a file is refused, not parsed.
    BIFF ``.xls`` files are not zip archives and are left to xlrd."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return
    archive = check_zip(path, "Excel-bestand")
    with archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                found = _declaration_in(archive, info)
            except _OutOfGrid as exc:
                raise DataError(
                    f"Excel-bestand geweigerd: onderdeel {info.filename!r} verwijst naar een "
                    f"cel buiten het bereik van Excel ({exc}; hoogstens rij 1.048.576 en "
                    "kolom XFD); is het bestand beschadigd?",
                    file=path.name, value=info.filename) from None
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                    NotImplementedError) as exc:
                raise DataError(f"Excel-bestand is beschadigd: onderdeel {info.filename!r} is "
                                f"niet uit te pakken ({one_line(exc)})", file=path.name,
                                value=info.filename) from None
            if found:
                raise DataError(
                    f"Excel-bestand geweigerd: onderdeel {info.filename!r} bevat een "
                    f"{found}-declaratie, die een werkmap nooit nodig heeft (mogelijk "
                    "onveilig); sla het bestand opnieuw op vanuit Excel",
                    file=path.name, value=info.filename)


def _declaration_in(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """``DOCTYPE``/``ENTITY`` when the part declares one; for a worksheet also a cell or row
    reference beyond Excel's grid (openpyxl would walk every empty row up to it)."""
    keep = 64
    tail = b""
    sheet = info.filename.lower().startswith("xl/worksheets/")
    with archive.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            window = tail + chunk
            for marker, name in _XML_DECLARATIONS.items():
                if marker in window:
                    return name
            if sheet:
                for m in _CELL_REF.finditer(window):
                    col, row = m.group(1), m.group(2)
                    if (len(row) > 7 or int(row) > MAX_EXCEL_ROWS or len(col) > 3
                            or (col and _column_number(col) > MAX_EXCEL_COLUMNS)):
                        raise _OutOfGrid(m.group(0).decode("ascii", "replace"))
            tail = window[-keep:]
    return None


MAX_EXCEL_ROWS = 1_048_576
MAX_EXCEL_COLUMNS = 16_384  # XFD
_CELL_REF = re.compile(rb'\br="([A-Z]*)([0-9]+)"')


class _OutOfGrid(Exception):
    """A worksheet names a row or column that Excel cannot have."""


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def excel_options(path: Path) -> dict[str, Any]:
    """Keyword arguments for ``pd.ExcelFile``/``pd.read_excel`` of ``path``: the engine, and
    for BIFF ``.xls`` a log sink, as xlrd prints its warnings about damaged files on stdout
    (into the CLI's output)."""
    if path.suffix.lower() == ".xls":
        return {"engine": "xlrd", "engine_kwargs": {"logfile": io.StringIO()}}
    return {"engine": "openpyxl"}


def excel_error(path: Path, exc: BaseException) -> DataError:
    """A one-line DataError for an exception of :data:`EXCEL_ERRORS`."""
    return DataError(f"Excel-bestand is niet te lezen (beschadigd?): {one_line(exc)}", file=path.name)


ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def check_workbook_size(path: Path, name: str, *, max_rows: int | None,
                        max_unpacked: int) -> None:
    """Refuse (:class:`TooLarge`), before openpyxl opens it, a workbook that unpacks to more
    than ``max_unpacked`` bytes (openpyxl reads the shared strings and styles whole) or has a
    sheet with more than ``max_rows`` rows. The rows are counted in the
    streamed sheet XML: openpyxl itself reads a whole sheet just to learn its size when the
    sheet does not declare it, so its own row limit comes too late."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > max_unpacked:
                raise TooLarge(f"{name}: de werkmap is uitgepakt {unpacked // 2 ** 20} MB, "
                               f"meer dan {max_unpacked // 2 ** 20} MB",
                               limit=max_unpacked)
            if max_rows is None:
                return
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and \
                        info.filename.endswith(".xml"):
                    _count_rows(zf, info, name, max_rows)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DataError(f"geen leesbare Excel-werkmap ({exc})", file=name) from None


def _count_rows(zf: Any, info: Any, name: str, max_rows: int) -> None:
    rows, tail = 0, b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 16):
            buf = tail + chunk
            rows += sum(1 for m in ROW_TAG.finditer(buf) if m.end() > len(tail))
            if rows > max_rows + 1:  # the header row and max_rows rows of data
                raise TooLarge(f"{name}: een werkblad heeft meer dan {max_rows} rijen; splits "
                               "de werkmap of vraag de beheerder de grens te verhogen",
                               limit=max_rows)
            tail = buf[-32:]
