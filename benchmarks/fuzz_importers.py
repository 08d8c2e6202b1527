"""Fuzz the importers with many mutated real files and count the outcomes.

    PYTHONPATH=src python benchmarks/fuzz_importers.py [--n 3300] [--seed 11] [--database URL]

Uses the seeded mutation fuzzer of ``tests/data/fuzzing.py`` (one real file of every supported
form, see ``tests/fixtures/fuzz/README.md``) against a fresh SQLite database in a temporary
folder (or ``--database``, e.g. an empty PostgreSQL database), and prints

    files tried / accepted / refused / crashed / partial

per form and in total. *crashed*: an exception other than DataError (or a DataError over
several lines); *partial*: a DataError after which some table's row count had changed. Target:
0 crashed, 0 partial. Each crash or partial import is listed with its seed and index, so
``fuzz(..., n=index + 1, seed=seed)`` reproduces it. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.data.fuzzing import FORMS, Outcome, fuzz  # noqa: E402

from wijkkompas.settings import load_settings  # noqa: E402
from wijkkompas.workspace import Workspace  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=3_300, help="number of mutations")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database", help="SQLAlchemy URL of an empty database "
                        "(default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.database or f"sqlite:///{folder / 'fuzz.sqlite'}"
        settings = load_settings({}, data_dir=str(folder / "data"), user="fuzzer")
        ws = Workspace.open(url, settings=settings)
        started = time.perf_counter()

        def progress(o: Outcome) -> None:
            if o.result in ("crashed", "partial"):
                print(f"  {o.result}: [{o.form} #{o.index} {o.mutation}] {o.detail[:300]}",
                      flush=True)
            if (o.index + 1) % 500 == 0:
                print(f"  {o.index + 1:,} mutations, {time.perf_counter() - started:.0f} s",
                      flush=True)

        try:
            tally = fuzz(ws, folder / "work", n=args.n, seed=args.seed, progress=progress)
        finally:
            ws.close()
        took = time.perf_counter() - started
    print(f"\nseed {args.seed}, {args.n:,} mutations in {took:.0f} s "
          f"({1000 * took / max(args.n, 1):.0f} ms each), database {url.split(':')[0]}")
    per_form = Counter((o.form, o.result) for o in tally.outcomes)
    header = f"{'form':<16}{'tried':>7}{'accepted':>10}{'refused':>9}{'crashed':>9}{'partial':>9}"
    print(header)
    for form in FORMS:
        c = {r: per_form[(form.name, r)] for r in ("accepted", "refused", "crashed", "partial")}
        print(f"{form.name:<16}{sum(c.values()):>7}{c['accepted']:>10}{c['refused']:>9}"
              f"{c['crashed']:>9}{c['partial']:>9}")
    total = tally.counts()
    print(f"{'total':<16}{len(tally.outcomes):>7}{total['accepted']:>10}{total['refused']:>9}"
          f"{total['crashed']:>9}{total['partial']:>9}")
    mutations = Counter(o.mutation.split(" ")[0] for o in tally.outcomes)
    print("mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(mutations.items())))
    print(tally.summary())
    return 1 if tally.bad() else 0


if __name__ == "__main__":
    raise SystemExit(main())
