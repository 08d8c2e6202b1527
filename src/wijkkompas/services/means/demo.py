"""The demo's regular means: an ILLUSTRATION derived from a real published key, never real
spending.

No municipality publishes regular budgets per wijk in the demo data, so the demo derives one
domain transparently: Enschede's youth care (CBS Jeugdzorg per wijk, ``jz_natura``: young
people with youth care in kind) times an assumed average cost per young person per year
(:data:`COST_PER_YOUNG_PERSON`). The table is written as a CSV and imported through the normal
importer, so it has an import run, an audit entry and a source that says "illustratie".
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from wijkkompas.services.means.usecases import amounts, import_means

#: Assumed average cost of youth care per young person per year (euros): an assumption for the
#: illustration, not a published figure.
COST_PER_YOUNG_PERSON = 10_000
MUNICIPALITY = "GM0153"
KEY_INDICATOR = "jz_natura"
FILE_NAME = "middelen-enschede-illustratie.csv"
SOURCE = ("ILLUSTRATIE, geen echte uitgaven: jeugd = CBS Jeugdzorg per wijk (jongeren met "
          "jeugdzorg in natura) × aangenomen € "
          + f"{COST_PER_YOUNG_PERSON:,}".replace(",", ".") + " per jongere per jaar")


def demo_table(ws) -> str:  # noqa: ANN001
    """The CSV text of the illustration (long form), from the imported CBS values."""
    obs = ws.observations(indicators=[KEY_INDICATOR], municipality=MUNICIPALITY,
                          level="district").reset_index().dropna(subset=["value"])
    lines = ["gebied,domein,jaar,bedrag"]
    for row in obs.sort_values(["year", "area_code"]).itertuples(index=False):
        lines.append(f"{row.area_code},jeugd,{int(row.year)},"
                     f"{float(row.value) * COST_PER_YOUNG_PERSON:.2f}")
    return "\n".join(lines) + "\n"


def store_demo_means(ws, *, progress: Callable[[str], None] | None = None) -> bool:  # noqa: ANN001
    """Import the illustration (idempotent: skipped without the table, the key or when the
    demo already has amounts)."""
    from sqlalchemy import inspect

    if not inspect(ws.engine).has_table("means_amounts") or len(amounts(ws)):
        return False
    text = demo_table(ws)
    if text.count("\n") < 3:
        return False
    if progress:
        progress("demo-middelen Enschede (illustratie)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / FILE_NAME
        path.write_text(text, encoding="utf-8")
        import_means(ws, path, source=SOURCE)
    return True
