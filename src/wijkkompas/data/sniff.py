"""Reading delimited text as users get it: detect the encoding and the delimiter."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from wijkkompas.data.codes import ANY_CODE_RE
from wijkkompas.errors import DataError

DELIMITERS = (";", ",", "\t", "|")
SNIFF_CHARS = 4096


@dataclass(frozen=True)
class TextFile:
    path: Path
    encoding: str
    delimiter: str
    text: str


def checksum(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _looks_utf16(head: bytes) -> bool:
    """A UTF-16 BOM, or mostly-ASCII text with a zero byte in every other position."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    mostly = 0.9
    return (odd.count(0) >= mostly * len(odd) and even.count(0) <= (1 - mostly) * len(even)) or (
        even.count(0) >= mostly * len(even) and odd.count(0) <= (1 - mostly) * len(odd)
    )


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else cp1252; refuse binary data."""
    if not data.strip():
        raise DataError("het bestand is leeg", file=path.name)
    head = data[:4096]
    if _looks_utf16(head):
        raise DataError(
            "het bestand is UTF-16 gecodeerd (bijv. Excel 'Unicode-tekst'); sla het op als "
            "'CSV UTF-8' of 'CSV (puntkomma-gescheiden)'",
            file=path.name,
        )
    if data[:4] in (b"PK\x03\x04",) or b"\x00" in data[:4096]:
        raise DataError(
            "dit is geen tekstbestand (binair of gecomprimeerd); sla het op als CSV of "
            "gebruik de Excel-import",
            file=path.name,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            # The BOM promises UTF-8, so a byte that is not UTF-8 means mixed encodings
            # (e.g. a line pasted in from a Windows-1252 file): guessing would garble text.
            pos = exc.start + 3
            raise DataError(
                "het bestand begint met een UTF-8-kenmerk (BOM) maar bevat tekens die geen "
                "UTF-8 zijn (gemengde tekensets, bijv. Windows-1252); sla het opnieuw op als "
                "'CSV UTF-8'",
                file=path.name,
                row=data[:pos].count(b"\n") + 1,
                value=data[pos : pos + 8].hex(" "),
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            "onbekende tekenset (geen UTF-8 of Windows-1252)",
            file=path.name,
            row=line,
            value=data[exc.start : exc.start + 8].hex(" "),
        ) from None


def sniff_delimiter(path: Path, text: str) -> str:
    header = text.split("\n", 1)[0]
    # At most 20 whole lines and 4 KB (the first line cut there if longer): the sniffer's
    # regular expressions take time quadratic in the sample on damaged text full of quotes
    # (minutes for 64 KB); the fallback below counts in the whole header line.
    sample = ""
    for line in text[:SNIFF_CHARS].split("\n", 20)[:20]:
        if sample and len(sample) + len(line) >= SNIFF_CHARS:
            break
        sample = f"{sample}\n{line}" if sample else line[:SNIFF_CHARS]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS))
        if dialect.delimiter in DELIMITERS and header.count(dialect.delimiter) > 0:
            return dialect.delimiter
    except csv.Error:
        pass
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise DataError(
            "geen scheidingsteken gevonden in de kopregel (verwacht ; , tab of |)",
            file=path.name,
            row=1,
            value=header[:60],
        )
    return best


def read_text(path: Path) -> TextFile:
    data = path.read_bytes()
    text, encoding = decode(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    start = text.lstrip()[:1]
    if start in ("{", "["):
        # A JSON file (often one very long line) read as a table would give one column per
        # comma: refuse it at once.
        raise DataError(
            "dit is een JSON-bestand, geen tabel (CSV); gebruik 'import cbs' voor OData-JSON "
            "of 'import boundaries' voor (Geo/Topo)JSON-grenzen",
            file=path.name,
        )
    return TextFile(path, encoding, sniff_delimiter(path, text), text)


def data_lines(tf: TextFile, frame: pd.DataFrame, *, skip: int = 0) -> Callable[[int], int]:
    """File line of every data row of ``frame`` (read from ``tf`` with ``skip`` lines above
    the header); a row with fewer fields than the header is a located error.

    pandas silently pads a short row with empty cells (which would read as "missing"), so a
    truncated file or a wrong delimiter is caught here, with the csv module, which also gives
    the true file line of every row (pandas skips blank lines, and a quoted field may span
    lines). Used by every reader of delimited text (CBS files and own tables).
    """
    n_cols = frame.shape[1]
    lines: list[int] = []
    start = 1
    header_seen = False
    reader = csv.reader(io.StringIO(tf.text), delimiter=tf.delimiter)
    for record in _records(reader, tf):
        line, start = start, reader.line_num + 1
        if line <= skip or not record:
            continue
        if not header_seen:
            header_seen = True
            continue
        if len(record) < n_cols:
            n = len(record)
            raise DataError(
                f"rij heeft {n} {'veld' if n == 1 else 'velden'}, de kopregel {n_cols}; is het "
                "bestand afgebroken of is het scheidingsteken verkeerd?",
                file=tf.path.name,
                row=line,
                column=str(frame.columns[n]),
                value=tf.delimiter.join(record),
            )
        lines.append(line)
    if len(lines) != len(frame):  # pragma: no cover - csv and pandas disagree: plain counting
        return lambda pos: pos + skip + 2
    return lambda pos, _lines=lines: _lines[pos]


def _records(reader: Any, tf: TextFile) -> Iterator[list[str]]:
    """The records of a csv reader; a record the csv module cannot read (a field over its
    limit of 131,072 characters, a NUL byte, a quote in the wrong place) is a located error
    at the first line of that record."""
    while True:
        first = reader.line_num + 1  # the line the next record starts on
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            msg = str(exc)
            if "field larger than field limit" in msg:
                msg = (f"een veld van meer dan {csv.field_size_limit():,} tekens".replace(",", ".")
                       + "; is het bestand beschadigd of ontbreekt een afsluitend "
                       "aanhalingsteken?")
            else:
                msg = f"regel is geen geldige CSV ({msg}); is het bestand beschadigd?"
            raise DataError(msg, file=tf.path.name, row=first) from None
        yield record


def read_table_text(tf: TextFile, *, skiprows: int = 0) -> pd.DataFrame:
    """Read delimited text into a frame of stripped strings; errors are located."""
    try:
        frame = pd.read_csv(
            io.StringIO(tf.text),
            sep=tf.delimiter,
            dtype=str,
            keep_default_na=False,
            skiprows=skiprows,
            skipinitialspace=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        msg = " ".join(str(exc).split())  # pandas ends some messages with a newline
        row = None
        if "line " in msg:
            try:
                row = int(msg.split("line ")[1].split(",")[0]) + skiprows
            except ValueError:
                row = None
        elif "starting at row " in msg:
            # "EOF inside string starting at row N": N counts rows from 0, header included.
            try:
                row = int(msg.split("starting at row ")[1].split()[0]) + 1 + skiprows
            except ValueError:
                row = None
        raise DataError(
            f"bestand is niet te lezen als tabel met scheidingsteken {tf.delimiter!r} "
            f"(afgebroken of verkeerde kolommen?): {msg}",
            file=tf.path.name,
            row=row,
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError("het bestand bevat geen kopregel", file=tf.path.name) from None
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    return frame


def refuse_names_only(tf: TextFile) -> None:
    """Refuse a StatLine export "as shown on screen": title and topic lines above the table
    (``Kerncijfers wijken en buurten 2014;;;`` / ``Onderwerpen;...``) and areas by name only.

    Names cannot be linked to areas reliably (``Centrum`` or ``Noord`` occur in many
    municipalities); with codes somewhere in the file the caller reads it normally.
    """
    head = tf.text.split("\n", 8)[:8]
    if len(head) < 3:
        return
    first = next(_records(csv.reader([head[0]], delimiter=tf.delimiter), tf), [])
    titled = bool(first) and first[0].strip() != "" and all(not c.strip() for c in first[1:])
    topics = any(line.split(tf.delimiter, 1)[0].strip().strip('"').lower() == "onderwerpen"
                 for line in head[1:])
    if titled and topics and not ANY_CODE_RE.search(tf.text):
        raise DataError(
            f"StatLine-export met titelregels ({first[0].strip()!r}) en alleen gebiedsnamen, "
            "zonder gebiedscodes; namen zijn niet betrouwbaar aan gebieden te koppelen "
            "(namen als 'Centrum' of 'Noord' komen in veel gemeenten voor). Exporteer de tabel "
            "opnieuw als CSV met 'Regioaanduiding/Codering (code)'",
            file=tf.path.name,
            row=1,
        )
