"""The importers never crash and never import half a file (issue 11, point 5).

A seeded mutation fuzzer (:mod:`tests.data.fuzzing`) damages one real file of every supported
form — KWB CSV, StatLine CSV, OData JSON, xlsx (as KWB and as own table), xls, wide and long
own tables, GeoJSON, TopoJSON, GeoPackage, zipped shapefile — and imports each result into one
database. Every mutation must import cleanly or be refused with a one-line DataError that left
every table's row count as it was.

``WIJKKOMPAS_FUZZ_SEED`` picks another seed (default: a fixed one, so a failure reproduces);
``WIJKKOMPAS_FUZZ_N`` the number of mutations (default 336, 28 per form).
``benchmarks/fuzz_importers.py`` runs thousands.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import fresh_database_url
from tests.data.fuzzing import FORMS, fuzz, mutate
from wijkkompas.settings import load_settings
from wijkkompas.workspace import Workspace

SEED = int(os.environ.get("WIJKKOMPAS_FUZZ_SEED", "20261206"))
N = int(os.environ.get("WIJKKOMPAS_FUZZ_N", str(28 * len(FORMS))))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """One database for all mutations, first loaded with every unmutated file that imports,
    so that "unchanged" is checked against real content."""
    folder = tmp_path_factory.mktemp("fuzz")
    settings = load_settings({}, data_dir=str(folder / "data"), user="tester")
    with fresh_database_url(folder) as url:
        ws = Workspace.open(url, settings=settings)
        try:
            yield ws
        finally:
            ws.close()


def test_every_form_imports_unmutated(loaded: Workspace) -> None:
    """The fuzzer starts from files that import (the .xls is refused on purpose: it holds
    no CBS codes, and serves to exercise xlrd)."""
    for form in FORMS:
        run = {"cbs": loaded.import_cbs, "table": loaded.import_table,
               "boundaries": loaded.import_boundaries}[form.kind]
        if form.name == "xls":
            continue
        report = run(form.path, **dict(form.options))
        assert report.skipped or report.inserted + report.changed + report.unchanged > 0, form


def test_mutations_are_seeded() -> None:
    import random

    form = FORMS[0]
    data = form.path.read_bytes()
    first = mutate(form, data, random.Random("1:2"))
    assert first == mutate(form, data, random.Random("1:2"))


def test_mutated_files_import_or_are_refused_cleanly(loaded: Workspace, tmp_path: Path) -> None:
    tally = fuzz(loaded, tmp_path, n=N, seed=SEED)
    counts = tally.counts()
    bad = tally.bad()
    shown = "\n".join(f"  [{o.form} #{o.index} {o.mutation}] {o.result}: {o.detail}"
                      for o in bad[:15])
    assert not bad, f"seed {SEED}: {tally.summary()}\n{shown}"
    assert len(tally.outcomes) == N
    # The mutations really reach both outcomes, and every form was tried.
    assert counts["accepted"] > 0 and counts["refused"] > 0
    assert {o.form for o in tally.outcomes} == {f.name for f in FORMS}
