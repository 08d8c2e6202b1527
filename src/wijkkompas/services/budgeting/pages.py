"""View models of buurtbudget rounds (index and one round with both rules), and the write use
cases behind the forms: add a proposal, import ballots. The JSON twins serialise the same
dataclasses with :func:`wijkkompas.services.framework.overview.to_dict`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wijkkompas import formatting as fmt
from wijkkompas.budgeting.explain import comparison, describe, money, reasons
from wijkkompas.budgeting.rules import COMPLETIONS, TIE_BREAKS, run
from wijkkompas.errors import ConfigError
from wijkkompas.i18n import _
from wijkkompas.services.budgeting import rounds as svc
from wijkkompas.services.shared.context import ViewContext


def status_label(code: str) -> str:
    return {"ingediend": _("ingediend"), "toegelaten": _("toegelaten"),
            "afgewezen": _("afgewezen")}.get(code, code)


@dataclass
class RoundRow:
    id: int
    name: str
    area_code: str | None
    budget: str
    example: bool
    url: str


@dataclass
class RoundsView:
    rounds: list[RoundRow]


def rounds_index(ctx: ViewContext) -> RoundsView:
    return RoundsView([RoundRow(r["id"], r["name"], r["area_code"],
                                money(r["budget_cents"], r["currency"]), bool(r["example"]),
                                f"/buurtbudget/{r['id']}") for r in svc.rounds(ctx.ws)])


@dataclass
class ProposalRow:
    code: str
    name: str
    cost: str
    cost_cents: int
    area_code: str | None
    theme: str | None
    proposer: str | None
    status: str
    status_label: str
    reason: str
    votes: int | None  # approvals (points for cumulative ballots); None when not admitted
    equal_shares: bool | None
    greedy: bool | None
    why_equal_shares: str
    why_greedy: str


@dataclass
class RuleSummary:
    rule: str
    label: str
    description: str
    selected: int
    cost: str
    cost_cents: int
    voters_with_a_winner: int
    share_with_a_winner: str
    areas: list[str]


@dataclass
class RoundView:
    id: int
    name: str
    area_code: str | None
    example: bool
    source: str | None
    currency: str
    budget: str
    budget_cents: int
    vote_type: str
    ballots: int
    per_voter: str
    completion: str | None
    tie_break: str
    lock_version: int
    proposals: list[ProposalRow]
    rules: list[RuleSummary] = field(default_factory=list)
    only_equal_shares: list[str] = field(default_factory=list)
    only_greedy: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    export_url: str = ""
    completions: list[str] = field(default_factory=lambda: list(COMPLETIONS))
    tie_breaks: list[str] = field(default_factory=lambda: list(TIE_BREAKS))


def round_view(ctx: ViewContext, round_id: int, *, completion: str | None = None,
               tie_break: str = "id") -> RoundView:
    """One round: every proposal with its votes and, for the admitted ones, the outcome and
    the reason under equal shares (with ``completion``) and greedy, and the comparison."""
    if completion is not None and completion not in COMPLETIONS:
        raise ConfigError(_("Onbekende aanvulling {c!r}.").format(c=completion))
    row, rnd, props = svc.load(ctx.ws, round_id)
    cur = row["currency"]
    votes = rnd.votes()
    view = RoundView(
        id=row["id"], name=row["name"], area_code=row["area_code"], example=bool(row["example"]),
        source=row["source"], currency=cur, budget=money(row["budget_cents"], cur),
        budget_cents=row["budget_cents"], vote_type=row["vote_type"], ballots=len(rnd.ballots),
        per_voter=fmt.DASH, completion=completion, tie_break=tie_break,
        lock_version=row["lock_version"], proposals=[],
        export_url=f"/buurtbudget/{round_id}/export.pb")
    outcomes = {}
    if rnd.projects and rnd.ballots:
        outcomes["greedy"] = run(rnd, "greedy", tie_break=tie_break)
        if rnd.vote_type == "approval":
            outcomes["equal-shares"] = run(rnd, "equal-shares", completion=completion,
                                           tie_break=tie_break)
            view.per_voter = money(outcomes["equal-shares"].per_voter or 0, cur)
        else:
            view.notices.append(_("Equal shares rekent alleen met goedkeuringsstemmen; deze "
                                  "ronde heeft punten: alleen greedy is berekend."))
    else:
        view.notices.append(_("Nog geen stemmen of geen toegelaten voorstellen: er is nog geen "
                              "uitslag."))
    why = {rule: {r.project: r for r in reasons(rnd, out)} for rule, out in outcomes.items()}
    for p in props:
        admitted = p["code"] in votes
        es, gr = why.get("equal-shares", {}).get(p["code"]), why.get("greedy", {}).get(p["code"])
        view.proposals.append(ProposalRow(
            code=p["code"], name=p["name"], cost=money(p["cost_cents"], cur),
            cost_cents=p["cost_cents"], area_code=p["area_code"], theme=p["theme"],
            proposer=p["proposer"], status=p["status"], status_label=status_label(p["status"]),
            reason=p["reason"], votes=votes.get(p["code"]) if admitted else None,
            equal_shares=es.selected if es else None, greedy=gr.selected if gr else None,
            why_equal_shares=es.text if es else "", why_greedy=gr.text if gr else ""))
    if len(outcomes) == 2:
        area_of = {p["code"]: p["area_code"] or "" for p in props}
        cmp = comparison(rnd, outcomes["equal-shares"], outcomes["greedy"], area_of)
        labels = {"equal-shares": _("Method of Equal Shares"), "greedy": _("Greedy (meeste "
                                                                          "stemmen)")}
        for summary, out in zip(cmp["rules"], (outcomes["equal-shares"], outcomes["greedy"]),
                                strict=True):
            view.rules.append(RuleSummary(
                rule=out.rule, label=labels[out.rule], description=describe(rnd, out),
                selected=len(out.selected), cost=money(out.cost, cur), cost_cents=out.cost,
                voters_with_a_winner=int(summary["voters_with_a_winner"]),
                share_with_a_winner=fmt.percent(summary["share_with_a_winner"], fraction=True),
                areas=list(summary["areas"])))
        view.only_equal_shares, view.only_greedy = cmp["only_first"], cmp["only_second"]
    elif "greedy" in outcomes:
        out = outcomes["greedy"]
        view.rules.append(RuleSummary("greedy", _("Greedy (meeste punten)"), describe(rnd, out),
                                      len(out.selected), money(out.cost, cur), out.cost, 0,
                                      fmt.DASH, []))
    return view


def _version(fields: dict[str, Any]) -> int | None:
    raw = str(fields.get("versie") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ConfigError(_("versie: geen geheel getal"))
    return int(raw)


def submit_proposal(ws, round_id: int, fields: dict[str, Any]) -> int:  # noqa: ANN001
    """The proposal form (or its JSON twin): code, naam, kosten (euro), gebied, thema,
    indiener, status, reden, versie."""
    def text(key: str) -> str:
        value = fields.get(key)
        return value.strip() if isinstance(value, str) else ""

    return svc.add_proposal(
        ws, round_id, code=text("code"), name=text("naam"), cost=text("kosten"),
        area_code=text("gebied") or None, theme=text("thema") or None,
        proposer=text("indiener") or None, status=text("status") or "ingediend",
        reason=text("reden"), expected_version=_version(fields))
