"""Conventions: one switch that sets the defaults of a reference implementation.

``conventions: coinr`` at the top of a framework file makes every step follow COINr 1.1.14
(the R package of the JRC, the reference implementation of the OECD/JRC handbook) where
wijkkompas has a convention of its own. It only fills in keys the file leaves out: an explicit
key in the YAML still wins. The switch sets:

1. ``screen.after_impute: true`` -- screening after imputation (COINr's example builds
   ``Impute`` then ``Screen``);
2. ``steps.normalise.params.ties: min`` for ``rank`` (COINr ``n_rank``);
3. nothing for ``dist_max``: it is always computed as ``1 - (max - x) / (max - min)``;
4. ``steps.treat.params.log_mirror: false`` for ``winsorise`` (COINr ``log_CT`` whatever
   the skew);
5. ``params.constant: coinr`` on every normalisation that has a constant case (NaN for the
   linear methods, rank 1, percentile and borda 0);
6. ``steps.impute.params.fallback: none`` for ``group_mean`` / ``group_median`` (a group
   without values stays NaN);
7. ``screen.min_data_share: 0`` and ``min_share: 0`` on every aggregation (no thresholds
   unless asked for).

Three more defaults follow from COINr having no such concept: ``per: 1`` for a denominated
indicator (COINr ``Denominate`` divides, nothing more), ``scale: 1`` for ``dist_max``,
``dist_ref`` and ``dist_target`` (COINr's distances lie in [0, 1]) and
``priority.scale_on_assessed: false`` (COINr fits every step on all units).

The function works on the raw mapping before validation, so what the defaults produce is
validated like anything typed by hand, and :meth:`Framework.to_yaml` writes it out in full.
"""

from __future__ import annotations

from typing import Any

CONVENTIONS = ("coinr",)

_NORMALISE_DEFAULT = "minmax"
_AGGREGATE_DEFAULT = "mean"
_UNIT_SCALE = {"dist_max", "dist_ref", "dist_target"}  # COINr's distances lie in [0, 1]


def _params(registry: Any, spec: Any) -> tuple[str | None, dict[str, Any] | None]:
    """The method name and a mutable copy of the params of a step spec (None when the spec
    is not a mapping, which validation will report)."""
    if not isinstance(spec, dict):
        return None, None
    params = spec.get("params")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        return None, None
    method = spec.get("method")
    return (method if isinstance(method, str) and method in registry else None), dict(params)


def _fill(registry: Any, spec: Any, default_method: str, values: dict[str, Any]) -> Any:
    """``spec`` (or the default method when absent) with ``values`` set where the method has
    that parameter and the spec does not give it."""
    if spec is None:
        spec = {"method": default_method}
    method, params = _params(registry, spec)
    if method is None or params is None:
        return spec
    accepted = registry.get(method).defaults
    for key, value in values.items():
        if key in accepted and key not in params:
            params[key] = value
    return {**spec, "params": params}


def apply_conventions(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a framework mapping) with the defaults of its ``conventions`` filled in.

    A mapping without ``conventions`` comes back unchanged; an unknown name is left for the
    validation to report (``kies uit 'coinr'``)."""
    if data.get("conventions") != "coinr":
        return data
    from wijkkompas.framework import aggregate, impute, normalise, treat  # noqa: F401
    from wijkkompas.framework.registry import AGGREGATE, IMPUTE, NORMALISE, TREAT

    out = dict(data)
    screen = out.get("screen")
    if screen is None or isinstance(screen, dict):
        screen = dict(screen or {})
        screen.setdefault("after_impute", True)
        screen.setdefault("min_data_share", 0.0)
        out["screen"] = screen
    priority = out.get("priority")
    if priority is None or isinstance(priority, dict):
        priority = dict(priority or {})
        priority.setdefault("scale_on_assessed", False)
        out["priority"] = priority
    steps = out.get("steps")
    if steps is None or isinstance(steps, dict):
        steps = dict(steps or {})
        steps["normalise"] = _fill(NORMALISE, steps.get("normalise"), _NORMALISE_DEFAULT,
                                   {"ties": "min", "constant": "coinr", "scale": 1.0}
                                   if _method(steps.get("normalise")) in _UNIT_SCALE
                                   else {"ties": "min", "constant": "coinr"})
        if steps.get("treat") is not None:
            steps["treat"] = _fill(TREAT, steps["treat"], "none", {"log_mirror": False})
        if steps.get("impute") is not None:
            steps["impute"] = _fill(IMPUTE, steps["impute"], "none", {"fallback": "none"})
        steps["aggregate"] = _fill(AGGREGATE, steps.get("aggregate"), _AGGREGATE_DEFAULT,
                                   {"min_share": 0.0})
        out["steps"] = steps
    opgaven = out.get("opgaven")
    if isinstance(opgaven, list):
        out["opgaven"] = [_opgave(AGGREGATE, op) for op in opgaven]
    overall = out.get("overall")
    if isinstance(overall, dict):
        out["overall"] = {**overall, "aggregate": _fill(
            AGGREGATE, overall.get("aggregate"), _AGGREGATE_DEFAULT, {"min_share": 0.0})}
    return out


def _method(spec: Any) -> str:
    if spec is None:
        return _NORMALISE_DEFAULT
    return spec.get("method", "") if isinstance(spec, dict) else ""


def _opgave(registry: Any, op: Any) -> Any:
    """An opgave with ``per: 1`` on its denominated indicators and ``min_share: 0`` on its own
    aggregation."""
    if not isinstance(op, dict):
        return op
    op = dict(op)
    if op.get("aggregate") is not None:
        op["aggregate"] = _fill(registry, op["aggregate"], _AGGREGATE_DEFAULT,
                                {"min_share": 0.0})
    themes = op.get("themes")
    if isinstance(themes, list):
        op["themes"] = [_theme(th) for th in themes]
    return op


def _theme(th: Any) -> Any:
    if not isinstance(th, dict) or not isinstance(th.get("indicators"), list):
        return th
    inds = [({**ind, "per": 1.0} if isinstance(ind, dict) and ind.get("denominator")
             and "per" not in ind else ind) for ind in th["indicators"]]
    return {**th, "indicators": inds}
