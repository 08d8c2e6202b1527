"""The pabulib ``.pb`` format (https://pabulib.org/format): read and write a round.

A file has three sections, each a line ``META``, ``PROJECTS`` or ``VOTES`` followed by a header
line and ``;`` separated rows (fields may be quoted with ``"``). Line ends may be LF or CRLF.
META holds ``key;value`` pairs (``budget`` is required, ``vote_type`` defaults to approval);
PROJECTS needs ``project_id`` and ``cost``; VOTES needs ``voter_id`` and ``vote`` (project ids
separated by ``,``), plus ``points`` for cumulative ballots. Other columns (a project's category,
a voter's age) are kept and written back.

Reading is all-or-nothing: the first problem raises :class:`DataError` naming the file, the line,
the column and the value.
"""

from __future__ import annotations

import csv
import io

from wijkkompas.budgeting.model import VOTE_TYPES, Ballot, Project, Round, cents_text, parse_cents
from wijkkompas.errors import DataError, TooLarge

MAX_BYTES = 200 * 1024 * 1024  #: a .pb file (Warsaw's largest rounds are ~60 MB)
MAX_PROJECTS = 5_000
MAX_BALLOTS = 2_000_000
SECTIONS = ("META", "PROJECTS", "VOTES")


def read_pb(data: bytes | str, *, file: str = "bestand.pb") -> Round:
    """Read a ``.pb`` file's content into a :class:`Round`."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise TooLarge(f"{file}: groter dan {MAX_BYTES // (1024 * 1024)} MB", limit=MAX_BYTES)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(f"geen UTF-8 (byte {exc.start})", file=file) from None
    else:
        text = data.removeprefix("\ufeff")
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            head = fields[0].strip().upper()
            if len(fields) == 1 and head in SECTIONS:
                if head in sections:
                    raise DataError(f"sectie {head} komt twee keer voor", file=file, row=line)
                current = head
                sections[head] = []
                continue
            if current is None:
                raise DataError("het bestand begint niet met META, PROJECTS of VOTES",
                                file=file, row=line, value=fields[0])
            sections[current].append((line, [f.strip() for f in fields]))
    except csv.Error as exc:
        raise DataError(f"onleesbare regel ({exc})", file=file, row=reader.line_num) from None
    for name in SECTIONS:
        if name not in sections or not sections[name]:
            raise DataError(f"sectie {name} ontbreekt of heeft geen kopregel", file=file)
    meta = _meta(sections["META"], file)
    vote_type = meta.get("vote_type", "approval").strip().lower()
    if vote_type not in VOTE_TYPES:
        raise DataError(f"stemtype niet ondersteund (wel: {', '.join(VOTE_TYPES)})", file=file,
                        column="vote_type", value=vote_type)
    if "budget" not in meta:
        raise DataError("META mist het budget", file=file, column="budget")
    budget = parse_cents(meta["budget"], file=file, column="budget")
    projects = _projects(sections["PROJECTS"], file)
    ballots = _ballots(sections["VOTES"], file, {p.id for p in projects}, vote_type)
    return Round(budget=budget, projects=projects, ballots=ballots, vote_type=vote_type,
                 meta=meta)


def _rows(rows: list[tuple[int, list[str]]], file: str, section: str,
          required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    (line, header), body = rows[0], rows[1:]
    header = [h.strip().lower() for h in header]
    for col in required:
        if col not in header:
            raise DataError(f"{section} mist de kolom {col!r}", file=file, row=line,
                            column=col)
    out = []
    for num, fields in body:
        if len(fields) > len(header):
            raise DataError(f"{len(fields)} velden, de kopregel van {section} heeft er "
                            f"{len(header)}", file=file, row=num, value=";".join(fields))
        out.append((num, dict(zip(header, fields + [""] * (len(header) - len(fields)),
                                  strict=True))))
    return header, out


def _meta(rows: list[tuple[int, list[str]]], file: str) -> dict[str, str]:
    # a value may hold an unquoted ";" (a comment): the fields after the key are one value
    rows = [rows[0], *((num, [f[0], ";".join(f[1:])]) for num, f in rows[1:])]
    _, body = _rows(rows, file, "META", ("key", "value"))
    meta: dict[str, str] = {}
    for num, rec in body:
        key = rec["key"].strip()
        if key in meta:
            raise DataError("sleutel komt twee keer voor", file=file, row=num, column="key",
                            value=key)
        meta[key] = rec["value"]
    return meta


def _projects(rows: list[tuple[int, list[str]]], file: str) -> list[Project]:
    header, body = _rows(rows, file, "PROJECTS", ("project_id", "cost"))
    if len(body) > MAX_PROJECTS:
        raise TooLarge(f"{file}: meer dan {MAX_PROJECTS} projecten", limit=MAX_PROJECTS)
    out: list[Project] = []
    seen: set[str] = set()
    for num, rec in body:
        pid = rec["project_id"]
        if not pid or "," in pid:
            raise DataError("ongeldig project-id", file=file, row=num, column="project_id",
                            value=pid)
        if pid in seen:
            raise DataError("project-id komt twee keer voor", file=file, row=num,
                            column="project_id", value=pid)
        seen.add(pid)
        cost = parse_cents(rec["cost"], file=file, row=num, column="cost")
        extra = {k: v for k, v in rec.items() if k not in ("project_id", "cost", "name")}
        out.append(Project(id=pid, cost=cost, name=rec.get("name", ""), extra=extra))
    if not out:
        raise DataError("PROJECTS heeft geen projecten", file=file)
    return out


def _ballots(rows: list[tuple[int, list[str]]], file: str, ids: set[str],
             vote_type: str) -> list[Ballot]:
    required = ("voter_id", "vote", "points") if vote_type == "cumulative" else ("voter_id", "vote")
    header, body = _rows(rows, file, "VOTES", required)
    if len(body) > MAX_BALLOTS:
        raise TooLarge(f"{file}: meer dan {MAX_BALLOTS} stemmen", limit=MAX_BALLOTS)
    out: list[Ballot] = []
    voters: set[str] = set()
    for num, rec in body:
        voter = rec["voter_id"]
        if voter in voters:
            raise DataError("kiezer komt twee keer voor", file=file, row=num, column="voter_id",
                            value=voter)
        voters.add(voter)
        chosen = [v.strip() for v in rec["vote"].split(",") if v.strip()]
        for pid in chosen:
            if pid not in ids:
                raise DataError("stem op een onbekend project", file=file, row=num,
                                column="vote", value=pid)
        if len(set(chosen)) != len(chosen):
            raise DataError("een project staat twee keer op het stembiljet", file=file,
                            row=num, column="vote", value=rec["vote"])
        points = None
        if vote_type == "cumulative":
            raw = [v.strip() for v in rec["points"].split(",") if v.strip()]
            try:
                points = [int(v) for v in raw]
            except ValueError:
                raise DataError("punten moeten hele getallen zijn", file=file, row=num,
                                column="points", value=rec["points"]) from None
            if len(points) != len(chosen) or any(p < 0 for p in points):
                raise DataError("punten passen niet bij de gekozen projecten", file=file,
                                row=num, column="points", value=rec["points"])
        extra = {k: v for k, v in rec.items() if k not in ("voter_id", "vote", "points")}
        out.append(Ballot(voter=voter, projects=chosen, points=points, extra=extra))
    return out


def write_pb(rnd: Round) -> str:
    """The round as ``.pb`` text (LF line ends); :func:`read_pb` reads it back unchanged."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", quotechar='"', lineterminator="\n",
                   quoting=csv.QUOTE_MINIMAL)
    votes = rnd.votes()
    meta = dict(rnd.meta)
    meta.update(budget=cents_text(rnd.budget), vote_type=rnd.vote_type,
                num_projects=str(len(rnd.projects)), num_votes=str(len(rnd.ballots)))
    buf.write("META\n")
    w.writerow(["key", "value"])
    for key, value in meta.items():
        w.writerow([key, value])
    buf.write("PROJECTS\n")
    pextra: list[str] = []
    for p in rnd.projects:
        pextra += [k for k in p.extra if k not in pextra and k != "votes"]
    w.writerow(["project_id", "cost", "votes", "name", *pextra])
    for p in rnd.projects:
        w.writerow([p.id, cents_text(p.cost), votes[p.id], p.name,
                    *(p.extra.get(k, "") for k in pextra)])
    buf.write("VOTES\n")
    vextra: list[str] = []
    for b in rnd.ballots:
        vextra += [k for k in b.extra if k not in vextra]
    cumulative = rnd.vote_type == "cumulative"
    w.writerow(["voter_id", "vote", *(["points"] if cumulative else []), *vextra])
    for b in rnd.ballots:
        pts = [",".join(map(str, b.points or []))] if cumulative else []
        w.writerow([b.voter, ",".join(b.projects), *pts, *(b.extra.get(k, "") for k in vextra)])
    return buf.getvalue()
