"""Small agenda builders for the tests (amounts in cents; E = one euro)."""

from __future__ import annotations

from decimal import Decimal

from wijkkompas.agenda.model import Agenda, Cofinancing, Earmark, FundingStream, Measure

E = 100  # cents per euro


def measure(code: str, cost_by_year: dict[int, int], value_effect: float = 1.0, *,
            area: str = "w1", mtype: str = "fysiek", **kw: object) -> Measure:
    """A measure with ``cost_by_year`` in euros and one opgave ``o``."""
    years = sorted(cost_by_year)
    return Measure(code=code, title=f"Maatregel {code}", type=mtype, start_year=years[0],
                   end_year=years[-1], costs={y: c * E for y, c in cost_by_year.items()},
                   effects={"o": value_effect}, areas=(area,), **kw)  # type: ignore[arg-type]


def stream(code: str, amounts: dict[int, int], **kw: object) -> FundingStream:
    """A stream with ``amounts`` in euros."""
    kw.setdefault("owner", "gemeente")
    return FundingStream(code=code, name=f"Stroom {code}",
                         amounts={y: a * E for y, a in amounts.items()}, **kw)  # type: ignore[arg-type]


def agenda(measures: list[Measure], streams: list[FundingStream], first: int = 2025,
           last: int = 2026, **kw: object) -> Agenda:
    return Agenda(name="test", year=first, price_year=first, horizon_start=first,
                  horizon_end=last, measures=measures, streams=streams, **kw)  # type: ignore[arg-type]


def vhf(amounts: dict[int, int], *, ratio: str = "0.5", cofinanciers: tuple[str, ...] = ()
        ) -> FundingStream:
    return stream("vhf", amounts, owner="rijk", max_share=Decimal("0.7"),
                  earmark=Earmark(types=frozenset({"fysiek"})),
                  cofinancing=Cofinancing(Decimal(ratio), cofinanciers))
