"""Why each proposal won or lost under a rule, and the comparison of two rules, in Dutch."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from wijkkompas import formatting as fmt
from wijkkompas.budgeting.model import Round
from wijkkompas.budgeting.rules import Outcome

TIE_TEXT = {
    "id": "bij gelijke stand gaat het voorstel met het laagste project-id (als tekst) voor, "
          "zoals pabulib en pabutools",
    "cost": "bij gelijke stand gaat het goedkoopste voorstel voor, daarna het laagste project-id",
}
RULE_TEXT = {
    "greedy": "meeste stemmen eerst; een voorstel dat niet meer past wordt overgeslagen",
    "equal-shares": "Method of Equal Shares: ieder stembiljet krijgt een gelijk deel van het "
                    "budget en betaalt mee aan de voorstellen die het steunt",
}
COMPLETION_TEXT = {
    None: "zonder aanvulling",
    "add1": "aanvulling add1: het deel per kiezer stijgt per ronde met 1 munteenheid zolang de "
            "uitkomst binnen het budget blijft",
    "greedy": "aanvulling greedy: het restbudget gaat naar de voorstellen met de meeste stemmen "
              "die nog passen",
}


def money(cents: int | Fraction, currency: str = "EUR") -> str:
    """Cents for people (:func:`wijkkompas.formatting.money`), rounded to whole cents; another
    currency than the euro gets its code instead of the sign."""
    whole = round(Fraction(cents))
    if currency == "EUR":
        return fmt.money(whole)
    return f"{currency} {fmt.number(whole / 100, 0 if whole % 100 == 0 else 2)}"


@dataclass
class Reason:
    project: str
    selected: bool
    text: str


def reasons(rnd: Round, out: Outcome) -> list[Reason]:
    """One reason per proposal, in file order."""
    cur = rnd.currency
    votes = rnd.votes()
    steps = {s.project: (i + 1, s) for i, s in enumerate(out.steps)}
    chosen = set(out.selected)
    spent = {p.id: p.cost for p in rnd.projects}
    result = []
    for p in rnd.projects:
        if p.id in chosen:
            n, step = steps[p.id]
            if step.phase == "equal-shares":
                text = (f"stap {n}: de {votes[p.id]} steunende kiezers betaalden elk "
                        f"hoogstens {money(step.payment or 0, cur)} (wie minder over had, betaalde "
                        "alles wat hij nog had)")
            elif step.phase == "completion":
                text = (f"aanvulling, stap {n}: met {votes[p.id]} stemmen paste "
                        f"het nog in het restbudget van {money(step.left or 0, cur)}")
            else:
                text = (f"stap {n}: {votes[p.id]} stemmen, en het paste in het "
                        f"restbudget van {money(step.left or 0, cur)}")
        elif p.cost > rnd.budget:
            text = f"kost {money(p.cost, cur)}, meer dan het hele budget ({money(rnd.budget, cur)})"
        elif votes[p.id] == 0:
            text = "niemand stemde erop" if out.rule == "equal-shares" else (
                "geen stemmen, en het paste niet meer in het restbudget")
        elif out.rule == "equal-shares" and out.completion != "greedy":
            left = out.leftover.get(p.id, Fraction(0))
            text = (f"de {votes[p.id]} steunende kiezers hadden samen nog "
                    f"{money(left, cur)} over, te weinig voor de kosten van "
                    f"{money(p.cost, cur)}")
        else:
            rest = rnd.budget - sum(spent[s] for s in out.selected)
            text = (f"{votes[p.id]} stemmen; toen het aan de beurt was paste "
                    f"{money(p.cost, cur)} niet meer (nu over: {money(rest, cur)})")
        result.append(Reason(p.id, p.id in chosen, text))
    return result


def describe(rnd: Round, out: Outcome) -> str:
    """The rule as applied, in one line: rule, completion, share per voter and tie order."""
    parts = [RULE_TEXT[out.rule]]
    if out.rule == "equal-shares":
        parts.append(COMPLETION_TEXT[out.completion])
        if out.per_voter is not None:
            parts.append(f"budget per kiezer {money(out.per_voter, rnd.currency)}"
                         f" ({money(rnd.budget, rnd.currency)} ÷ {len(rnd.ballots)} stembiljetten)")
    parts.append(TIE_TEXT[out.tie_break])
    return "; ".join(parts)


def comparison(rnd: Round, first: Outcome, second: Outcome,
               area_of: dict[str, str] | None = None) -> dict[str, object]:
    """Two outcomes side by side: what each selects, the spread over areas, and the share of
    voters with at least one selected proposal."""

    def summary(out: Outcome) -> dict[str, object]:
        chosen = set(out.selected)
        happy = sum(1 for b in rnd.ballots if chosen.intersection(b.projects))
        areas = sorted({(area_of or {}).get(p, "") for p in chosen} - {""})
        return {"rule": out.rule, "completion": out.completion, "selected": sorted(chosen),
                "cost_cents": out.cost, "areas": areas,
                "voters_with_a_winner": happy,
                "share_with_a_winner": happy / len(rnd.ballots) if rnd.ballots else None}

    a, b = summary(first), summary(second)
    return {"rules": [a, b], "only_first": sorted(set(first.selected) - set(second.selected)),
            "only_second": sorted(set(second.selected) - set(first.selected))}
