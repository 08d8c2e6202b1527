"""The list of every core team (Kernteams): area, name, funding stream, budget and members."""

from __future__ import annotations

from dataclasses import dataclass, field

from wijkkompas.i18n import _
from wijkkompas.partners import service as svc
from wijkkompas.services.partners.pages import TeamRow, money, team_url
from wijkkompas.services.shared.context import ViewContext, link


@dataclass
class TeamsView:
    teams: list[TeamRow]
    funding_streams: list[str | None]  # per team, the stream its budget comes from
    partners_url: str
    notices: list[str] = field(default_factory=list)


def core_teams(ctx: ViewContext) -> TeamsView:
    """Every core team, by area code (the page /kernteams and its JSON twin)."""
    names = {str(c): str(n) for c, n in ctx.areas()["name"].items()}
    teams = svc.list_teams(ctx.ws)
    rows, streams = [], []
    for rec in teams.itertuples(index=False):
        rows.append(TeamRow(rec.area_code, names.get(rec.area_code, rec.area_code), rec.name,
                            team_url(rec.area_code), money(rec.budget_cents), int(rec.members)))
        streams.append(rec.funding_stream if isinstance(rec.funding_stream, str) else None)
    notices = [] if rows else [_(
        "Er zijn nog geen kernteams. Een redacteur maakt er een aan op het kernteam van een "
        "gebied (Partners, kies een gebied), of met 'wijkkompas team set'.")]
    return TeamsView(rows, streams, link("/partners"), notices)
