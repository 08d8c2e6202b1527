"""A buurtbudget round as plain data: the budget, the proposals and the ballots, money in cents."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from wijkkompas.errors import DataError

VOTE_TYPES = ("approval", "cumulative", "ordinal")
STATUSES = ("ingediend", "toegelaten", "afgewezen")


@dataclass
class Project:
    """One proposal: ``id`` as in the file, ``cost`` in whole cents."""

    id: str
    cost: int
    name: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # the file's other columns


@dataclass
class Ballot:
    """One voter's ballot: approved (or ranked) project ids; ``points`` for cumulative ballots."""

    voter: str
    projects: list[str]
    points: list[int] | None = None
    extra: dict[str, str] = field(default_factory=dict)  # age, sex, voting_method, ...


@dataclass
class Round:
    """A round: budget in cents, the vote type, its proposals (in file order) and ballots."""

    budget: int
    projects: list[Project]
    ballots: list[Ballot]
    vote_type: str = "approval"
    meta: dict[str, str] = field(default_factory=dict)  # every META key, as read

    @property
    def currency(self) -> str:
        return self.meta.get("currency", "EUR")

    def project(self, pid: str) -> Project:
        for p in self.projects:
            if p.id == pid:
                return p
        raise KeyError(pid)

    def votes(self) -> dict[str, int]:
        """Approvals (or points for cumulative ballots) per project id, every project listed."""
        out = {p.id: 0 for p in self.projects}
        for b in self.ballots:
            if b.points is not None and self.vote_type == "cumulative":
                for pid, pts in zip(b.projects, b.points, strict=True):
                    out[pid] += pts
            else:
                for pid in b.projects:
                    out[pid] += 1
        return out


def parse_cents(text: str, *, file: str | None = None, row: int | None = None,
                column: str | None = None) -> int:
    """``"7200"``, ``"7200.5"`` or ``"7200,50"`` → whole cents (722000 / 720050); refuses a
    fraction of a cent, a negative amount or no number."""
    raw = text.strip().replace(" ", "")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise DataError("geen bedrag", file=file, row=row, column=column, value=text) from None
    if not value.is_finite() or value < 0:
        raise DataError("bedrag moet 0 of meer zijn", file=file, row=row, column=column,
                        value=text)
    cents = value * 100
    if cents != cents.to_integral_value():
        raise DataError("bedrag in meer dan hele centen", file=file, row=row, column=column,
                        value=text)
    return int(cents)


def cents_text(cents: int) -> str:
    """Whole cents as the pabulib amount: ``720000`` → ``"7200"``, ``720050`` → ``"7200.5"``."""
    euros, rest = divmod(cents, 100)
    if rest == 0:
        return str(euros)
    return f"{euros}.{rest:02d}".rstrip("0")
