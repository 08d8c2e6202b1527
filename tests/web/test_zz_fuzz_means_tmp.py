"""Ad-hoc: the schemathesis fuzz of tests/web/test_fuzz_openapi.py, only the middelen operations."""
from collections import Counter

import pytest
import schemathesis

from tests.web.test_fuzz_openapi import MAX_EXAMPLES, fuzz_operation


def test_means_fuzz(app) -> None:  # noqa: ANN001
    api = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    seen: Counter = Counter()
    failures: list[str] = []
    for result in api.get_all_operations():
        op = result.ok()
        if "middelen" not in op.path:
            continue
        seen["operations"] += 1
        for mode in MAX_EXAMPLES:
            fuzz_operation(op, mode, seen, failures)
    print(seen)
    assert seen["operations"] == 3
    assert not failures, "\n".join(failures[:20])
