"""Schemathesis over the OpenAPI schema: every operation of /api/v1/openapi.json, generated
requests (valid and invalid per the schema) against the app on the demo database.

Every check schemathesis has (``--checks all``: no server error; status code, content type,
headers and body conform to the schema; invalid data rejected, valid data accepted; missing
required header, unsupported method and Allow header; authentication not ignored; resources
used after deletion) runs on every case. The fuzzer has no credentials: writes and the audit
trail answer 401/403, which the schema declares. Examples are limited (``MAX_EXAMPLES`` per
operation and mode, derandomized: a run is reproducible). Run with ``-s`` for the figures:
operations, cases, responses per status class, failures per check.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
import schemathesis.specs.openapi.checks  # noqa: F401 - registers the OpenAPI checks
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTRY

MAX_EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}
CHECKS = REGISTRY.get_all()
def fuzz_operation(operation, mode: GenerationMode, seen: Counter,  # noqa: ANN001
                   failures: list[str]) -> None:
    """Up to ``MAX_EXAMPLES[mode]`` generated requests to one operation, checked."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES[mode], derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    def run(case) -> None:  # noqa: ANN001
        seen["cases"] += 1
        seen[f"cases_{mode.value}"] += 1
        response = None
        try:
            response = case.call()
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported by the test
            found = list(getattr(exc, "exceptions", [exc]))
            for failure in found:
                seen[f"failed_{getattr(failure, 'title', type(failure).__name__)}"] += 1
            failures.append(f"{operation.label} [{mode.value}] {case.formatted_path!r} "
                            f"{case.query!r}: {exc}"[:600])
            return
        seen[f"status_{response.status_code // 100}xx"] += 1

    try:
        run()
    except Unsatisfiable:  # nothing to negate: an operation without parameters
        seen[f"unsatisfiable_{mode.value}"] += 1


def fuzz(app) -> tuple[Counter, list[str]]:  # noqa: ANN001
    """Run every operation of the app's OpenAPI schema; return the figures and the failures.

    (Driven through hypothesis directly rather than schemathesis' pytest plugin, whose lazy
    fixture loader does not work with pytest 9.)"""
    api = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    seen: Counter = Counter()
    failures: list[str] = []
    for result in api.get_all_operations():
        seen["operations"] += 1
        for mode in MAX_EXAMPLES:
            fuzz_operation(result.ok(), mode, seen, failures)
    return seen, failures


@pytest.mark.slow
def test_no_server_errors_and_schema_conformance(app) -> None:  # noqa: ANN001
    seen, failures = fuzz(app)
    print(f"\nschemathesis {schemathesis.__version__}: {seen['operations']} operations, "
          f"{seen['cases']} cases ({seen['cases_positive']} positive, "
          f"{seen['cases_negative']} negative), responses "
          + ", ".join(f"{k[7:]}={v}" for k, v in sorted(seen.items()) if k.startswith("status_"))
          + f", {len(CHECKS)} checks, {len(failures)} failures "
          + str({k[7:]: v for k, v in seen.items() if k.startswith("failed_")}))
    assert seen["operations"] >= 20 and seen["cases"] >= 10 * seen["operations"], seen
    assert not failures, "\n".join(failures[:20])


def test_schema_lists_the_json_twins(app) -> None:  # noqa: ANN001
    """The fuzzer covers something: the JSON twins of the main pages are in the schema."""
    paths = app.openapi()["paths"]
    for path in ("/api/v1/overzicht", "/api/v1/gebied/{code}", "/api/v1/kader/{preset}",
                 "/api/v1/monitor/doel/{code}", "/api/v1/agenda", "/api/v1/partners",
                 "/api/v1/partners/{naam}", "/api/v1/kernteams/{gebied}", "/api/v1/audit"):
        assert path in paths, path
