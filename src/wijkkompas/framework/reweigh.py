"""Fast re-scoring for what-if questions: new weights or aggregation on a scored result.

Moving a weight or choosing another aggregation does not change the normalised indicator
matrix, so a what-if does not need the whole pipeline (data, screening, imputation,
normalisation: ~200–300 ms even for a few areas). :func:`reweigh` takes a
:class:`~wijkkompas.framework.result.ScoreResult` and a framework that differs from the
result's own only in weights and aggregation methods, and repeats just the steps after
normalisation -- weight, aggregate, rank, tiers -- with the same registry methods as
:func:`~wijkkompas.framework.score.score`. The scores, ranks and tiers equal those of a full
``score(fw, data)`` (see the tests).

Per-indicator contributions are NOT recomputed: the returned result has an empty
``contributions`` frame (use ``score()`` when you need to explain a what-if).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

import wijkkompas.framework.aggregate
import wijkkompas.framework.weights  # noqa: F401 (registers the methods)
from wijkkompas.errors import FrameworkError
from wijkkompas.framework.aggregate import contributions as contributions_of
from wijkkompas.framework.context import StepContext
from wijkkompas.framework.rank import rank_scores
from wijkkompas.framework.registry import AGGREGATE
from wijkkompas.framework.result import ScoreResult
from wijkkompas.framework.schema import Framework, StepSpec
from wijkkompas.framework.score import theme_weights
from wijkkompas.framework.tiers import assess, assign_tiers

# Parts of a framework that must be equal for reweigh() to be exact.
_FIXED_STEPS = ("impute", "treat", "normalise")
_FIXED = ("level", "municipalities", "years", "anchor", "reference", "screen")
CONTRIBUTION_COLUMNS = ["year", "area_code", "opgave", "theme", "indicator", "contribution"]


def _structure(fw: Framework) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    return [(op.code, [(th.code, [i.code for i in th.indicators]) for th in op.themes])
            for op in fw.opgaven]


def compatible(base: Framework, fw: Framework) -> bool:
    """Whether ``fw`` differs from ``base`` only in weights, aggregation and priority rule."""
    return (_structure(base) == _structure(fw)
            and all(getattr(base.steps, s) == getattr(fw.steps, s) for s in _FIXED_STEPS)
            and all(getattr(base, k) == getattr(fw, k) for k in _FIXED)
            and base.indicator_specs().keys() == fw.indicator_specs().keys()
            and all(a.model_dump(exclude={"weight"}) == b.model_dump(exclude={"weight"})
                    for a, b in zip(base.indicator_specs().values(),
                                    fw.indicator_specs().values(), strict=True)))


def _aggregate(spec: StepSpec, values: pd.DataFrame, weights: pd.Series, ctx: StepContext,
               where: str) -> pd.Series:
    method = AGGREGATE.get(spec.method, where)
    return method.func(values, weights, ctx, **method.check_params(spec.params, where))


def _reference_score(spec: StepSpec, scores: pd.Series, values: pd.DataFrame,
                     reference: pd.Series, weights: pd.Series, where: str) -> float:
    """As in score(): TOPSIS reads the reference back from the contributions, the other
    methods aggregate the reference vector."""
    if spec.method == "topsis":
        contrib = contributions_of(values, weights, reference, spec.method, **spec.params)
        return float((scores - contrib.sum(axis=1, min_count=1)).mean())
    row = pd.DataFrame([reference.reindex(weights.index).to_numpy()], columns=weights.index)
    quiet = StepContext(directions=pd.Series(dtype=float))
    return float(_aggregate(spec, row, weights, quiet, where).iloc[0])


def _not_assessed(base: ScoreResult, fw: Framework, population: pd.Series | None
                  ) -> pd.Series | None:
    """The variant's assessment (its own priority rule) on the base result's inputs."""
    if base.assessment is not None:
        inputs = base.assessment
    elif population is not None:
        inputs = pd.DataFrame({"population": population.reindex(base.scores.index)})
    else:
        return None
    return assess(fw.priority, inputs)


def reweigh(base: ScoreResult, fw: Framework, population: pd.Series | None = None
            ) -> ScoreResult:
    """Re-score ``base`` under ``fw`` (new weights and/or aggregation), from its normalised
    matrix.

    Parameters
    ----------
    base
        A full result of :func:`~wijkkompas.framework.score.score`.
    fw
        The variant; must satisfy :func:`compatible` with ``base.framework``.
    population
        Inhabitants per ``(year, area_code)``, only for a base result without its own
        assessment inputs (:attr:`ScoreResult.assessment`).

    Returns
    -------
    ScoreResult
        Scores, ranks, tiers, reference scores and weights of the variant; contributions empty.

    Raises
    ------
    FrameworkError
        When ``fw`` changes more than weights and aggregation, or a method refuses the data
        (e.g. ``geomean`` on values <= 0).
    """
    if not compatible(base.framework, fw):
        raise FrameworkError("reweigh: het kader verschilt in meer dan gewichten en aggregatie; "
                             "gebruik score()")
    norm, ref_norm = base.normalised, base.reference_normalised
    ctx = StepContext(directions=pd.Series(dtype=float))
    scores: dict[str, pd.Series] = {}
    ref_scores: dict[str, float] = {}
    weights_used: dict[str, pd.Series] = {}
    for i, op in enumerate(fw.opgaven):
        spec = op.aggregate or fw.steps.aggregate
        theme_scores, theme_refs = {}, {}
        for j, th in enumerate(op.themes):
            where = f"opgaven[{i}].themes[{j}]: "
            cols = [ind.code for ind in th.indicators]
            w = theme_weights(fw, th, norm[cols], ctx, where)
            weights_used[th.code] = w
            theme_scores[th.code] = _aggregate(spec, norm[cols], w, ctx, where)
            theme_refs[th.code] = _reference_score(spec, theme_scores[th.code], norm[cols],
                                                   ref_norm[cols], w, where)
        tframe = pd.DataFrame(theme_scores)
        tnominal = pd.Series({th.code: th.weight for th in op.themes}, dtype=float)
        if tnominal.sum() <= 0:
            raise FrameworkError(f"opgaven[{i}]: alle themagewichten zijn 0")
        tw = tnominal / tnominal.sum()
        weights_used[op.code] = tw
        scores.update(theme_scores)
        ref_scores.update(theme_refs)
        scores[op.code] = _aggregate(spec, tframe, tw, ctx, f"opgaven[{i}]: ")
        ref_scores[op.code] = _reference_score(spec, scores[op.code], tframe,
                                               pd.Series(theme_refs), tw, f"opgaven[{i}]: ")
    if fw.overall is not None:
        oframe = pd.DataFrame({op.code: scores[op.code] for op in fw.opgaven})
        ow = pd.Series({op.code: op.weight for op in fw.opgaven}, dtype=float)
        if ow.sum() <= 0:
            raise FrameworkError("overall: alle opgavegewichten zijn 0")
        ow = ow / ow.sum()
        weights_used[fw.overall.code] = ow
        scores[fw.overall.code] = _aggregate(fw.overall.aggregate, oframe, ow, ctx, "overall: ")
        ref_scores[fw.overall.code] = float(_aggregate(
            fw.overall.aggregate, pd.DataFrame([{k: ref_scores[k] for k in ow.index}]), ow,
            StepContext(directions=pd.Series(dtype=float)), "overall: ").iloc[0])
    frame = pd.DataFrame(scores).reindex(columns=base.scores.columns)
    ranks = frame.apply(lambda s: rank_scores(s, by_year=True, ascending=False))
    not_assessed = _not_assessed(base, fw, population)
    tiers = assign_tiers(frame[[op.code for op in fw.opgaven]], fw.priority, ref_scores,
                         not_assessed, ctx, high_first={op.code for op in fw.opgaven
                                          if op.priority_when == "high"})
    return dataclasses.replace(
        base, framework=fw, scores=frame, ranks=ranks, tiers=tiers,
        contributions=pd.DataFrame(columns=CONTRIBUTION_COLUMNS),
        reference_scores=pd.Series(ref_scores), weights=weights_used,
        warnings=list(dict.fromkeys([*base.warnings, *ctx.warnings])))
