"""Balance warnings: "involving everyone in everything leads to delay or even stagnation".

Four checks, each with a configurable threshold:

* a partner at too many tables (a table is one area × opgave);
* a table with too many seats;
* an opgave in a priority area without a lead (``trekker``);
* a commitment ending within the horizon (default a year) without a successor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd


@dataclass(frozen=True)
class Thresholds:
    max_tables_per_partner: int = 8
    max_seats_per_table: int = 10
    commitment_horizon_days: int = 365


@dataclass(frozen=True)
class BalanceWarning:
    kind: str  # partner_tables | table_seats | no_lead | commitment_ending
    subject: str
    message: str
    count: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "subject": self.subject, "message": self.message,
                "count": self.count}


def balance_warnings(seats: pd.DataFrame, commitments: pd.DataFrame | None = None, *,
                     priority_areas: Iterable[str] = (),
                     opgaven: Mapping[str, Iterable[str]] | None = None,
                     thresholds: Thresholds | None = None,
                     today: date | None = None) -> list[BalanceWarning]:
    """Warnings for the seats (partner, area_code, opgave, role) and commitments.

    ``opgaven`` optionally lists, per priority area, the opgaven that need a lead even when
    nobody sits at that table yet; otherwise the tables with seats are checked.
    """
    t = thresholds or Thresholds()
    today = today or date.today()
    out: list[BalanceWarning] = []
    tables = seats.drop_duplicates(["partner", "area_code", "opgave"])
    per_partner = tables.groupby("partner").size()
    for partner, n in per_partner[per_partner > t.max_tables_per_partner].items():
        out.append(BalanceWarning("partner_tables", str(partner),
                                  f"{partner} zit aan {n} tafels (drempel "
                                  f"{t.max_tables_per_partner})", int(n)))
    per_table = tables.groupby(["area_code", "opgave"]).size()
    for (area, opgave), n in per_table[per_table > t.max_seats_per_table].items():
        out.append(BalanceWarning("table_seats", f"{area}/{opgave}",
                                  f"aan tafel {opgave} in {area} zitten {n} partners (drempel "
                                  f"{t.max_seats_per_table})", int(n)))
    leads = set(map(tuple, seats.loc[seats["role"] == "trekker", ["area_code", "opgave"]]
                    .itertuples(index=False)))
    for area in sorted(set(priority_areas)):
        needed = set(opgaven.get(area, ())) if opgaven else set()
        needed |= set(tables.loc[tables["area_code"] == area, "opgave"])
        for opgave in sorted(needed):
            if (area, opgave) not in leads:
                out.append(BalanceWarning("no_lead", f"{area}/{opgave}",
                                          f"opgave {opgave} in prioriteitsgebied {area} heeft "
                                          "geen trekker"))
    if commitments is not None and len(commitments):
        horizon = today + timedelta(days=t.commitment_horizon_days)
        for row in commitments.itertuples(index=False):
            ends = row.ends
            if ends is None or pd.isna(ends) or pd.notna(row.successor_id):
                continue
            ends = pd.Timestamp(ends).date()
            if today <= ends <= horizon:
                out.append(BalanceWarning("commitment_ending", f"{row.partner}/{row.id}",
                                          f"toezegging van {row.partner} ({row.what}) loopt af "
                                          f"op {ends:%d-%m-%Y} zonder opvolger"))
    return out


def warnings_for(ws, **kwargs: object) -> list[BalanceWarning]:  # noqa: ANN001
    """:func:`balance_warnings` on the workspace's stored seats and commitments."""
    from wijkkompas.partners.service import commitments, seats

    return balance_warnings(seats(ws), commitments(ws), **kwargs)  # type: ignore[arg-type]
