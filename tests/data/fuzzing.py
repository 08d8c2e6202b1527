"""A seeded mutation fuzzer for the importers (``import cbs|table|boundaries``).

Takes one real file of every supported form, damages it in one of many ways (byte flips,
truncation, duplicated or deleted lines, huge cells, deep nesting, huge integers, NaN, encoding
damage, random bytes inside the XML parts of an xlsx or the members of a zip, missing zip
members, ...) and imports the result. Every mutation must either import cleanly or raise
:class:`~wijkkompas.errors.DataError` with the database unchanged (row counts of every table
before and after). Anything else is a *crash* (another exception) or a *partial* import (a
DataError after something was written).

Used by ``tests/data/test_fuzz_importers.py`` (a few hundred mutations per CI run) and by
``benchmarks/fuzz_importers.py`` (thousands). The same seed gives the same mutations.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import signal
import threading
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from wijkkompas.errors import DataError
from wijkkompas.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KWB = FIXTURES / "kwb"
FUZZ = FIXTURES / "fuzz"
#: An import of one of these small files that takes longer than this has hung.
HANG_SECONDS = 60.0


@dataclass(frozen=True)
class Form:
    """One file of one supported form, and how it is imported."""

    name: str
    path: Path
    kind: str  # cbs, table or boundaries
    options: tuple[tuple[str, object], ...] = ()


FORMS = [
    Form("kwb-csv", KWB / "kwb_capybara_excerpt_corrected.csv", "cbs"),
    Form("statline-csv", KWB / "kwb2024_statline_excerpt.csv", "cbs"),
    Form("odata-json", KWB / "odata_85984NED_2024_excerpt.json", "cbs"),
    Form("xlsx-cbs", FUZZ / "kwb_2022.xlsx", "cbs"),
    Form("xlsx-table", FUZZ / "kwb_2022.xlsx", "table"),
    Form("xls", FUZZ / "rotterdam_context_2015.xls", "table", (("header_row", 1),)),
    Form("table-wide-csv", FUZZ / "rotterdam_buurten_2016_wide.csv", "table"),
    Form("table-long-csv", FUZZ / "kwb_2021_2022_long.csv", "table"),
    Form("geojson", FUZZ / "assen_wijken_2022.geojson", "boundaries"),
    Form("topojson", FUZZ / "gemeenten_2015.topojson", "boundaries"),
    Form("geopackage", FUZZ / "assen_wijken_2022.gpkg", "boundaries"),
    Form("shapefile-zip", FUZZ / "enschede_buurten_2021.zip", "boundaries"),
]

# --- mutations ---------------------------------------------------------------------------------

Mutation = Callable[[bytes, random.Random], bytes]
_NUMBER = re.compile(rb"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        if out:
            out[rng.randrange(len(out))] ^= rng.randint(1, 255)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))] if data else data


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def duplicate_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randint(1, 3))
    return b"\n".join(lines[:j] + lines[i:j] * rng.randint(1, 3) + lines[j:])


def delete_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"\n".join(lines[:i] + lines[i + rng.randint(1, 3):])


def huge_cell(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    filler = rng.choice([b"x", b"9", b" ", b'"', b"\xc3\xa9"]) * rng.choice([140_000, 300_000])
    return data[:at] + filler + data[at:]


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice([1_100, 3_000, 20_000])
    nest = rng.choice([b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth,
                       b"[" * depth])
    hits = list(_NUMBER.finditer(data[:200_000]))
    if hits:
        m = rng.choice(hits)
        return data[: m.start()] + nest + data[m.end():]
    at = rng.randrange(len(data) + 1)
    return data[:at] + nest + data[at:]


def huge_number(data: bytes, rng: random.Random) -> bytes:
    digits = rng.choice([b"9" * 4_400, b"1" * 400, b"1e999", b"-1e400", b"NaN", b"Infinity",
                         b"-Infinity", b"1" * 40, b"0.000000000000000000000000001"])
    hits = list(_NUMBER.finditer(data[:200_000]))
    if not hits:
        return data + digits
    m = rng.choice(hits)
    return data[: m.start()] + digits + data[m.end():]


def damage_encoding(data: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(6)
    at = rng.randrange(len(data) + 1)
    if choice == 0:  # a cp1252 byte somewhere (after a BOM: mixed encodings)
        return data[:at] + rng.choice([b"\xe9", b"\x80", b"\x81", b"\xff"]) + data[at:]
    if choice == 1:  # add or remove a UTF-8 BOM
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + data
    if choice == 2:  # a NUL byte
        return data[:at] + b"\x00" + data[at:]
    if choice == 3:  # the whole file as UTF-16
        try:
            return data.decode("utf-8-sig").encode(rng.choice(["utf-16", "utf-16-le"]))
        except UnicodeDecodeError:
            return data[:at] + b"\x00\xd8" + data[at:]
    if choice == 4:  # a cut multi-byte UTF-8 sequence
        return data[:at] + b"\xc3" + data[at:]
    return data.replace(b"\r\n", b"\r") if b"\r\n" in data else data.replace(b"\n", b"\r\n")


def random_bytes(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 256)))
    return data[:at] + junk + data[at + rng.randint(0, 64):]


def mangle_delimiters(data: bytes, rng: random.Random) -> bytes:
    a, b = rng.sample([b";", b",", b"\t", b"|", b'"', b"\n", b":", b"."], 2)
    out = bytearray(data)
    positions = [i for i, c in enumerate(out[:100_000]) if bytes([c]) == a]
    for i in rng.sample(positions, min(len(positions), rng.randint(1, 10))):
        out[i : i + 1] = b
    return bytes(out)


def empty_file(data: bytes, rng: random.Random) -> bytes:
    return rng.choice([b"", b" \n", b"\xef\xbb\xbf", b"{}", b"[]", b"null", b"PK\x03\x04"])


TEXT_MUTATIONS: list[Mutation] = [flip_bytes, truncate, duplicate_lines, delete_lines, huge_cell,
                                  deep_nesting, huge_number, damage_encoding, random_bytes,
                                  mangle_delimiters, empty_file]
BINARY_MUTATIONS: list[Mutation] = [flip_bytes, truncate, random_bytes, empty_file, huge_cell]


def _zip_members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(info, z.read(info)) for info in z.infolist()]


def _rezip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info.filename, data)
    return buf.getvalue()


def mutate_zip_member(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Damage one member of a (sound) zip archive: the XML parts of an xlsx, the .shp/.dbf/
    .shx/.prj of a zipped shapefile; or drop a member, or add a DOCTYPE."""
    members = _zip_members(data)
    i = rng.randrange(len(members))
    info, content = members[i]
    choice = rng.random()
    if choice < 0.1:
        del members[i]
        return _rezip(members), f"drop member {info.filename}"
    if choice < 0.2 and info.filename.endswith(".xml"):
        members[i] = (info, b'<!DOCTYPE x [<!ENTITY e "e">]>' + content)
        return _rezip(members), f"DOCTYPE in {info.filename}"
    pool = TEXT_MUTATIONS if info.filename.endswith((".xml", ".rels", ".prj", ".cpg")) \
        else BINARY_MUTATIONS
    mutation = rng.choice(pool)
    members[i] = (info, mutation(content, rng))
    return _rezip(members), f"{mutation.__name__} in {info.filename}"


def mutate(form: Form, data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One mutation of ``data``; returns the bytes and a description."""
    zipped = form.path.suffix.lower() in (".xlsx", ".zip")
    if zipped and rng.random() < 0.6:
        return mutate_zip_member(data, rng)
    binary = form.path.suffix.lower() in (".xlsx", ".zip", ".xls", ".gpkg")
    mutation = rng.choice(BINARY_MUTATIONS if binary and rng.random() < 0.7 else TEXT_MUTATIONS)
    return mutation(data, rng), mutation.__name__


# --- running --------------------------------------------------------------------------------


@dataclass
class Outcome:
    form: str
    index: int
    mutation: str
    result: str  # accepted, refused, crashed, partial
    detail: str = ""


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> Counter:
        return Counter(o.result for o in self.outcomes)

    def bad(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result in ("crashed", "partial")]

    def summary(self) -> str:
        c = self.counts()
        return (f"files tried {len(self.outcomes)}, accepted {c['accepted']}, refused "
                f"{c['refused']}, crashed {c['crashed']}, partial {c['partial']}")


def table_counts(ws: Workspace) -> dict[str, int]:
    from wijkkompas.store.models import Base

    with ws.engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                for name in Base.metadata.tables}


class Hang(Exception):
    """An import took longer than the fuzzer's time limit."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def run_one(ws: Workspace, form: Form, data: bytes, folder: Path,
            timeout: float = HANG_SECONDS) -> tuple[str, str]:
    """Import the mutated bytes; (result, detail). An import that takes more than
    ``timeout`` seconds is stopped (where Python code runs) and counts as a crash."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / form.path.name
    path.write_bytes(data)
    importer = {"cbs": ws.import_cbs, "table": ws.import_table,
                "boundaries": ws.import_boundaries}[form.kind]
    before = table_counts(ws)
    timed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        importer(path, **dict(form.options))
    except Hang:
        return "crashed", f"hang: no answer within {timeout:.0f} s"
    except DataError as exc:
        after = table_counts(ws)
        if after != before:
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            return "partial", f"{exc} / changed {changed}"
        if "\n" in str(exc):
            return "crashed", f"DataError over several lines: {exc!r}"
        return "refused", str(exc)
    except Exception as exc:  # noqa: BLE001 - that is what the fuzzer counts
        frames = traceback.extract_tb(exc.__traceback__)
        where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames)
                      if "wijkkompas" in f.filename), "?")
        return "crashed", f"{type(exc).__name__} at {where}: {str(exc)[:200]}"
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        shutil.rmtree(folder, ignore_errors=True)
    return "accepted", ""


def fuzz(ws: Workspace, folder: Path, *, n: int, seed: int,
         forms: list[Form] | None = None,
         progress: Callable[[Outcome], None] | None = None) -> Tally:
    """Run ``n`` mutations, spread evenly over ``forms`` (default: all)."""
    forms = forms or FORMS
    originals = {f.name: f.path.read_bytes() for f in forms}
    tally = Tally()
    for i in range(n):
        form = forms[i % len(forms)]
        rng = random.Random(f"{seed}:{i}")
        data, what = mutate(form, originals[form.name], rng)
        result, detail = run_one(ws, form, data, folder / f"m{i}")
        outcome = Outcome(form.name, i, what, result, detail)
        tally.outcomes.append(outcome)
        if progress:
            progress(outcome)
    return tally
