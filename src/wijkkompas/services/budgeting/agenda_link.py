"""A winning buurtbudget proposal becomes a measure in the investeringsagenda, funded by the
round's buurtbudget as its own funding stream (added to the agenda when missing)."""

from __future__ import annotations

from wijkkompas.agenda.model import MEASURE_TYPES, FundingStream, Measure
from wijkkompas.budgeting.rules import run
from wijkkompas.errors import ConfigError
from wijkkompas.services.agenda.usecases import agenda_lock_version, load_agenda, save_agenda
from wijkkompas.services.budgeting.rounds import load


def stream_code(round_id: int) -> str:
    return f"buurtbudget-{round_id}"


def promote(ws, round_id: int, code: str, *, agenda_id: int, year: int,  # noqa: ANN001
            rule: str = "equal-shares", completion: str | None = None,
            measure_type: str = "sociaal", expected_version: int | None = None) -> str:
    """Add proposal ``code`` of the round as measure ``BB<round>-<code>`` (status besloten,
    its cost in ``year``, the round's area) to the stored agenda ``agenda_id``, with the
    stream ``buurtbudget-<round>`` (the round's budget in ``year``) as its only stream. Only a
    proposal the ``rule`` selects may be promoted. Saves the agenda version in place (its
    lock version guards against a concurrent save). Returns the measure code."""
    if measure_type not in MEASURE_TYPES:
        raise ConfigError(f"soort maatregel {measure_type!r}: kies uit {', '.join(MEASURE_TYPES)}")
    row, rnd, props = load(ws, round_id)
    prop = next((p for p in props if p["code"] == code), None)
    if prop is None:
        raise ConfigError(f"voorstel {code!r} bestaat niet in ronde {round_id}")
    out = run(rnd, rule, completion=completion)
    if code not in out.selected:
        raise ConfigError(f"voorstel {code!r} is niet gekozen volgens {rule}; alleen een "
                          "gekozen voorstel wordt een maatregel")
    area = prop["area_code"] or row["area_code"]
    if not area:
        raise ConfigError(f"voorstel {code!r} heeft geen gebied; geef de ronde een gebied")
    agenda = load_agenda(ws, agenda_id=agenda_id)
    sc = stream_code(round_id)
    if sc not in {s.code for s in agenda.streams}:
        agenda.streams.append(FundingStream(
            code=sc, name=f"Buurtbudget: {row['name']}"[:200], owner="gemeente",
            amounts={year: row["budget_cents"]},
            description=f"buurtbudget (ronde {round_id}), door bewoners verdeeld met {rule}"))
    mcode = f"BB{round_id}-{code}"
    if mcode in {m.code for m in agenda.measures}:
        raise ConfigError(f"maatregel {mcode} staat al in de agenda")
    agenda.measures.append(Measure(
        code=mcode, title=prop["name"] or code, type=measure_type, start_year=year,
        end_year=year, costs={year: prop["cost_cents"]}, effects={}, areas=(area,),
        status="besloten", description=f"gekozen in buurtbudgetronde {round_id} ({rule})",
        lead=prop["proposer"] or "", streams=(sc,)))
    version = expected_version
    if version is None:
        version = agenda_lock_version(ws, agenda.name, agenda.year)
    save_agenda(ws, agenda, replace=True, expected_version=version)
    return mcode
