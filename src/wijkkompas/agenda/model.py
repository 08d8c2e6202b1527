"""The investeringsagenda as data: measures, funding streams, allocations, agendas, scenarios.

Money is exact: integer cents (``int``) everywhere inside, with the agenda's price year;
:class:`~decimal.Decimal` euros only at the edges (:func:`cents`, :func:`euros`,
:func:`format_euros`). Shares (a stream's maximum share of a measure's cost, co-financing
ratios) are Decimals, so rule checks on cents are exact too.

Examples
--------
>>> cents("1234.5")
123450
>>> format_euros(123450)
'€ 1.234,50'
>>> can_transition("voorgesteld", "besloten"), can_transition("afgerond", "idee")
(True, False)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd

from wijkkompas.errors import WijkkompasError

MEASURE_TYPES: tuple[str, ...] = ("fysiek", "sociaal", "veiligheid", "economie")
STATUSES: tuple[str, ...] = ("idee", "voorgesteld", "besloten", "in uitvoering", "afgerond",
                             "gestopt")
#: Allowed status changes (from -> to). Everything may stop; nothing comes back from the end.
TRANSITIONS: dict[str, frozenset[str]] = {
    "idee": frozenset({"voorgesteld", "gestopt"}),
    "voorgesteld": frozenset({"idee", "besloten", "gestopt"}),
    "besloten": frozenset({"in uitvoering", "gestopt"}),
    "in uitvoering": frozenset({"afgerond", "gestopt"}),
    "afgerond": frozenset(),
    "gestopt": frozenset(),
}
#: Statuses whose funding is a commitment: the optimiser keeps them fully funded (continuity).
COMMITTED: frozenset[str] = frozenset({"besloten", "in uitvoering", "afgerond"})
FUNDING_MODES: tuple[str, ...] = ("geheel", "deels")
AFTER_MODES: tuple[str, ...] = ("einde", "start")
OWNERS: tuple[str, ...] = ("gemeente", "rijk", "provincie", "corporatie", "partner")
MAX_HORIZON_YEARS = 20
CENT = Decimal("0.01")


class AgendaError(WijkkompasError):
    """An agenda, measure or stream breaks a rule of the model; the message names it."""


# --- money -----------------------------------------------------------------------------------

def cents(euros_value: Decimal | int | str) -> int:
    """Euros (Decimal, int or text such as ``"1234.56"``) to integer cents, exactly.

    Floats are refused: they cannot hold most amounts in cents exactly.

    >>> cents(Decimal("0.10")) + cents(Decimal("0.20"))
    30
    """
    if isinstance(euros_value, float | bool):
        raise TypeError("bedragen nooit als float: gebruik Decimal, int of tekst")
    try:
        value = Decimal(str(euros_value).strip().replace("€", "").replace(" ", ""))
    except InvalidOperation as exc:
        raise AgendaError(f"geen bedrag: {euros_value!r}") from exc
    if value != value.quantize(CENT):
        raise AgendaError(f"bedrag heeft meer dan twee decimalen: {euros_value!r}")
    return int(value * 100)


def euros(amount_cents: int) -> Decimal:
    """Integer cents to Decimal euros (two decimals)."""
    return (Decimal(int(amount_cents)) / 100).quantize(CENT)


def format_euros(amount_cents: int, *, whole: bool = False) -> str:
    """Money for people (:func:`wijkkompas.formatting.money`): ``€ 1.234.567,89``, cents only
    when they are not zero (``€ 120.000``); ``whole`` rounds to euros: ``€ 1.234.568``."""
    from wijkkompas.formatting import money

    return money(amount_cents, cents=False if whole else None)


def share(value: Decimal | str | int | None) -> Decimal | None:
    """A share between 0 and 1 (``"0.7"``, ``Decimal("0.7")``); None stays None."""
    if value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    out = Decimal(str(value))
    if not Decimal(0) <= out <= Decimal(1):
        raise AgendaError(f"aandeel moet tussen 0 en 1 liggen, niet {value}")
    return out


def can_transition(old: str, new: str) -> bool:
    """Whether a measure may go from status ``old`` to ``new`` (staying put is allowed)."""
    return old == new or new in TRANSITIONS.get(old, frozenset())


def check_transition(code: str, old: str, new: str) -> None:
    """Raise :class:`AgendaError` with the allowed next statuses when a change is not allowed."""
    if not can_transition(old, new):
        allowed = ", ".join(sorted(TRANSITIONS.get(old, ()))) or "geen (eindstatus)"
        raise AgendaError(f"maatregel {code}: status kan niet van {old!r} naar {new!r}; "
                          f"toegestaan: {allowed}")


# --- measures and streams --------------------------------------------------------------------

@dataclass
class Measure:
    """A maatregel: something done in areas, for opgaven, over years, at a cost per year.

    ``effects`` maps opgave code to the expected effect on a declared scale (0-5 by default);
    ``funding`` is ``"geheel"`` (all or nothing) or ``"deels"`` (may be funded partly, with a
    proportional effect); ``streams`` limits the eligible funding streams (empty: every stream
    whose earmarks allow the measure); ``depends_on`` names measures that must be funded at
    least as much as this one.

    Phasing: ``earliest_start``/``latest_start`` make a start window (None: ``start_year`` is
    fixed); the costs are given for ``start_year`` and move with the chosen start.
    ``after`` maps a measure code to ``"einde"`` (start after it ends) or ``"start"`` (start
    no earlier than it starts); ``in_term`` keeps the start within the council term of the
    agenda's version year. Decided measures keep their start.
    """

    code: str
    title: str
    type: str
    start_year: int
    end_year: int
    costs: dict[int, int]
    effects: dict[str, float]
    areas: tuple[str, ...]
    status: str = "idee"
    description: str = ""
    lead: str = ""
    partners: tuple[str, ...] = ()
    funding: str = "geheel"
    must_do: bool = False
    excluded: bool = False
    streams: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    earliest_start: int | None = None
    latest_start: int | None = None
    after: dict[str, str] = field(default_factory=dict)
    in_term: bool = False
    variant_of: str = ""  # internal: a copy of a windowed measure at one start (phasing.py)

    def __post_init__(self) -> None:
        where = f"maatregel {self.code}"
        if self.type not in MEASURE_TYPES:
            raise AgendaError(f"{where}: onbekend type {self.type!r}; kies uit "
                              f"{', '.join(MEASURE_TYPES)}")
        if self.status not in STATUSES:
            raise AgendaError(f"{where}: onbekende status {self.status!r}; kies uit "
                              f"{', '.join(STATUSES)}")
        if self.funding not in FUNDING_MODES:
            raise AgendaError(f"{where}: financiering moet 'geheel' of 'deels' zijn")
        if self.end_year < self.start_year:
            raise AgendaError(f"{where}: eindjaar {self.end_year} ligt voor beginjaar "
                              f"{self.start_year}")
        self.costs = {int(y): int(c) for y, c in sorted(self.costs.items())}
        for year, amount in self.costs.items():
            if not self.start_year <= year <= self.end_year:
                raise AgendaError(f"{where}: kosten in {year}, buiten de looptijd "
                                  f"{self.start_year}-{self.end_year}")
            if amount < 0:
                raise AgendaError(f"{where}: negatieve kosten in {year}")
        if not self.areas:
            raise AgendaError(f"{where}: geen gebied opgegeven")
        self.areas = tuple(self.areas)
        self.partners = tuple(self.partners)
        self.streams = tuple(self.streams)
        self.depends_on = tuple(self.depends_on)
        self.effects = {str(k): float(v) for k, v in self.effects.items()}
        self.after = {str(k): str(v) for k, v in (self.after or {}).items()}
        for ref, mode in self.after.items():
            if mode not in AFTER_MODES:
                raise AgendaError(f"{where}: start na {ref} ({mode!r}): kies 'einde' of 'start'")
        if (self.earliest_start is None) != (self.latest_start is None):
            raise AgendaError(f"{where}: geef zowel een vroegste als een laatste startjaar op")
        if self.earliest_start is not None and not (
                self.earliest_start <= self.start_year <= self.latest_start):  # type: ignore[operator]
            raise AgendaError(f"{where}: startjaar {self.start_year} ligt buiten het startvenster "
                              f"{self.earliest_start}-{self.latest_start}")

    @property
    def window(self) -> tuple[int, int]:
        """The start window (earliest, latest); ``(start_year, start_year)`` when fixed."""
        if self.earliest_start is None or self.latest_start is None:
            return self.start_year, self.start_year
        return self.earliest_start, self.latest_start

    @property
    def movable(self) -> bool:
        """Whether the optimiser may choose the start: a window, and not yet decided."""
        first, last = self.window
        return last > first and not self.committed

    def starting(self, year: int) -> Measure:
        """A copy that starts in ``year``: the cost profile moves along.

        >>> m = Measure("a", "A", "fysiek", 2025, 2026, {2025: 1, 2026: 2}, {}, ("w",),
        ...             earliest_start=2025, latest_start=2027)
        >>> m.starting(2027).costs
        {2027: 1, 2028: 2}
        """
        shift = year - self.start_year
        return dataclasses.replace(self, start_year=year, end_year=self.end_year + shift,
                                   costs={y + shift: c for y, c in self.costs.items()})

    @property
    def total_cost(self) -> int:
        """Total cost in cents."""
        return sum(self.costs.values())

    @property
    def committed(self) -> bool:
        """Decided, running or finished: its funding must stay (continuity)."""
        return self.status in COMMITTED

    def with_status(self, new: str) -> Measure:
        """A copy with a new status, if the transition is allowed."""
        check_transition(self.code, self.status, new)
        return dataclasses.replace(self, status=new)


@dataclass(frozen=True)
class Earmark:
    """What a stream may fund; ``None`` means no restriction on that dimension.

    A measure fits when it has an effect on at least one allowed opgave, is of an allowed type
    and lies entirely within the allowed areas.
    """

    opgaven: frozenset[str] | None = None
    types: frozenset[str] | None = None
    areas: frozenset[str] | None = None

    def allows(self, measure: Measure) -> bool:
        if self.opgaven is not None and not any(
                measure.effects.get(o, 0) > 0 for o in self.opgaven):
            return False
        if self.types is not None and measure.type not in self.types:
            return False
        return self.areas is None or set(measure.areas) <= self.areas

    def describe(self, area_names: Mapping[str, str] | None = None,
                 opgave_names: Mapping[str, str] | None = None, max_areas: int = 0) -> str:
        """Dutch one-liner, e.g. ``alleen type fysiek; alleen opgaven urgentie``.

        With ``area_names``/``opgave_names`` the codes are shown as names; with ``max_areas``
        a longer list of areas is summarised ("... en 6 andere")."""
        area_names, opgave_names = area_names or {}, opgave_names or {}
        parts = []
        if self.types is not None:
            parts.append("alleen type " + ", ".join(sorted(self.types)))
        if self.opgaven is not None:
            parts.append("alleen opgaven " + ", ".join(
                sorted(opgave_names.get(o, o) for o in self.opgaven)))
        if self.areas is not None:
            shown = sorted(area_names.get(a, a) for a in self.areas)
            if max_areas and len(shown) > max_areas:
                rest = len(shown) - max_areas
                shown = [*shown[:max_areas], f"en {rest} {'ander' if rest == 1 else 'andere'}"]
            parts.append(f"alleen {len(self.areas)} gebieden: " + ", ".join(shown)
                         if len(self.areas) > 1 else "alleen gebied " + shown[0])
        return "; ".join(parts) or "geen oormerk"

    def to_dict(self) -> dict[str, list[str] | None]:
        return {k: None if v is None else sorted(v) for k, v in
                (("opgaven", self.opgaven), ("types", self.types), ("areas", self.areas))}

    @classmethod
    def from_dict(cls, data: Mapping[str, Iterable[str] | None] | None) -> Earmark:
        data = data or {}
        return cls(**{k: None if data.get(k) is None else frozenset(data[k])  # type: ignore[arg-type]
                      for k in ("opgaven", "types", "areas")})


@dataclass(frozen=True)
class Cofinancing:
    """A stream may only pay if others add at least ``ratio`` x its contribution to the same
    measure (over the measure's whole life), from ``from_streams`` (empty: any other stream)."""

    ratio: Decimal
    from_streams: tuple[str, ...] = ()


@dataclass
class FundingStream:
    """A geldstroom: amounts per year (cents), earmarks, a maximum share per measure,
    an optional co-financing rule and a last year in which it may be spent (``deadline``)."""

    code: str
    name: str
    owner: str
    amounts: dict[int, int]
    earmark: Earmark = field(default_factory=Earmark)
    max_share: Decimal | None = None
    cofinancing: Cofinancing | None = None
    deadline: int | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.owner not in OWNERS:
            raise AgendaError(f"geldstroom {self.code}: onbekende eigenaar {self.owner!r}; "
                              f"kies uit {', '.join(OWNERS)}")
        self.amounts = {int(y): int(c) for y, c in sorted(self.amounts.items())}
        if any(c < 0 for c in self.amounts.values()):
            raise AgendaError(f"geldstroom {self.code}: negatief budget")
        self.max_share = share(self.max_share)

    def allows(self, measure: Measure) -> bool:
        """Earmarks and the measure's own list of eligible streams."""
        if measure.streams and self.code not in measure.streams:
            return False
        return self.earmark.allows(measure)

    def amount(self, year: int) -> int:
        """Budget in ``year`` (zero after the deadline)."""
        if self.deadline is not None and year > self.deadline:
            return 0
        return self.amounts.get(year, 0)

    @property
    def total(self) -> int:
        return sum(self.amount(y) for y in self.amounts)


@dataclass(frozen=True)
class Allocation:
    """Money from one stream to one measure in one year; ``manual`` ones are fixed by a person
    (with a reason and who), and the optimiser keeps them exactly."""

    stream: str
    measure: str
    year: int
    cents: int
    manual: bool = False
    reason: str = ""
    by: str = ""


@dataclass
class Agenda:
    """One version of the investeringsagenda (``year`` is the version year).

    ``framework``/``framework_version``/``data_fingerprint`` record what the priorities rest
    on; ``max_area_share`` caps the share of the allocated money that goes to one area;
    ``start_discount`` is the yearly discount on the effect of a measure that starts later than
    the earliest year of its window (0: a later start is worth as much).
    """

    name: str
    year: int
    price_year: int
    horizon_start: int
    horizon_end: int
    measures: list[Measure] = field(default_factory=list)
    streams: list[FundingStream] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    term_start: int = 2022
    max_area_share: Decimal | None = None
    framework: str = ""
    framework_version: str = ""
    data_fingerprint: str = ""
    notes: str = ""
    start_discount: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        self.max_area_share = share(self.max_area_share)
        self.start_discount = share(self.start_discount) or Decimal(0)

    # lookups
    def measure(self, code: str) -> Measure:
        for m in self.measures:
            if m.code == code:
                return m
        raise AgendaError(f"onbekende maatregel {code!r}")

    def stream(self, code: str) -> FundingStream:
        for s in self.streams:
            if s.code == code:
                return s
        raise AgendaError(f"onbekende geldstroom {code!r}")

    @property
    def years(self) -> list[int]:
        return list(range(self.horizon_start, self.horizon_end + 1))

    def validate(self) -> list[str]:
        """Raise on broken references; return soft warnings (Dutch)."""
        years = self.horizon_end - self.horizon_start + 1
        if years < 1 or years > MAX_HORIZON_YEARS:
            raise AgendaError(f"horizon {self.horizon_start}-{self.horizon_end}: 1 tot "
                              f"{MAX_HORIZON_YEARS} jaar toegestaan")
        for kind, codes in (("maatregel", [m.code for m in self.measures]),
                            ("geldstroom", [s.code for s in self.streams])):
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            if dupes:
                raise AgendaError(f"dubbele {kind}code(s): {', '.join(dupes)}")
        measures = {m.code for m in self.measures}
        streams = {s.code for s in self.streams}
        for m in self.measures:
            for ref in m.streams:
                if ref not in streams:
                    raise AgendaError(f"maatregel {m.code}: onbekende geldstroom {ref!r}")
            for ref in (*m.depends_on, *m.after):
                if ref not in measures:
                    raise AgendaError(f"maatregel {m.code}: hangt af van onbekende maatregel "
                                      f"{ref!r}")
                if ref == m.code:
                    raise AgendaError(f"maatregel {m.code}: hangt van zichzelf af")
        for s in self.streams:
            for ref in (s.cofinancing.from_streams if s.cofinancing else ()):
                if ref not in streams:
                    raise AgendaError(f"geldstroom {s.code}: cofinanciering uit onbekende "
                                      f"geldstroom {ref!r}")
        seen: set[tuple[str, str, int]] = set()
        for a in self.allocations:
            if a.stream not in streams or a.measure not in measures:
                raise AgendaError(f"toewijzing {a.stream} -> {a.measure} ({a.year}): onbekende "
                                  "geldstroom of maatregel")
            key = (a.stream, a.measure, a.year)
            if key in seen:
                raise AgendaError(f"toewijzing {a.stream} -> {a.measure} ({a.year}) staat er "
                                  "twee keer in")
            seen.add(key)
        warnings = []
        for m in self.measures:
            outside = [y for y in m.costs if not self.horizon_start <= y <= self.horizon_end]
            if outside:
                warnings.append(f"maatregel {m.code} heeft kosten buiten de horizon "
                                f"({', '.join(map(str, outside))}); die tellen niet mee")
        return warnings

    def allocation_frame(self) -> pd.DataFrame:
        """Allocations as a long frame (stream, measure, year, cents, manual, reason, by)."""
        cols = ["stream", "measure", "year", "cents", "manual", "reason", "by"]
        return pd.DataFrame([dataclasses.astuple(a) for a in self.allocations], columns=cols)

    def funded(self) -> dict[str, int]:
        """Allocated cents per measure."""
        out = {m.code: 0 for m in self.measures}
        for a in self.allocations:
            out[a.measure] = out.get(a.measure, 0) + a.cents
        return out

    def with_allocations(self, allocations: Iterable[Allocation]) -> Agenda:
        """A copy with these allocations."""
        return dataclasses.replace(self, allocations=list(allocations))


@dataclass
class Scenario:
    """A what-if on an agenda: budgets scaled per stream, measures forced in or out.

    >>> Scenario("krap", budget_factors={"vhf": Decimal("0.5")}).name
    'krap'
    """

    name: str
    description: str = ""
    budget_factors: dict[str, Decimal] = field(default_factory=dict)
    must_do: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    max_area_share: Decimal | None = None

    def apply(self, agenda: Agenda) -> Agenda:
        """The agenda as this scenario sees it (a copy; budgets rounded down to whole cents)."""
        streams = []
        for s in agenda.streams:
            factor = Decimal(str(self.budget_factors.get(s.code, 1)))
            amounts = {y: int(Decimal(c) * factor) for y, c in s.amounts.items()}
            streams.append(dataclasses.replace(s, amounts=amounts))
        measures = [dataclasses.replace(m, must_do=m.must_do or m.code in self.must_do,
                                        excluded=m.excluded or m.code in self.excluded)
                    for m in agenda.measures]
        return dataclasses.replace(
            agenda, name=f"{agenda.name} — {self.name}", streams=streams, measures=measures,
            max_area_share=self.max_area_share if self.max_area_share is not None
            else agenda.max_area_share)
