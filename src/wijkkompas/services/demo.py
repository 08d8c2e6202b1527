"""Build the demo workspace from the bundled files, and summarise the demo municipalities."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from wijkkompas.data.load import ImportReport
from wijkkompas.demo import MUNICIPALITIES, data_dir, manifest
from wijkkompas.errors import ConfigError


def build_demo(ws, *, progress: Callable[[str], None] | None = None) -> list[ImportReport]:  # noqa: ANN001
    """Import every file of the demo manifest into ``ws`` (idempotent: a second run skips)."""
    reports = []
    folder = data_dir()
    importers = {"cbs": ws.import_cbs, "table": getattr(ws, "import_table", None),
                 "boundaries": getattr(ws, "import_boundaries", None)}
    for entry in manifest():
        importer = importers.get(entry["kind"])
        if importer is None:
            raise ConfigError(f"demo: importsoort {entry['kind']!r} is (nog) niet beschikbaar")
        if progress:
            progress(f"{entry['file']} ({entry['kind']})")
        reports.append(importer(folder / entry["file"], **(entry.get("options") or {})))
    return reports


def municipality_overview(ws, codes: list[str] | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Per municipality: wijken, buurten, newest population, data years, boundary years."""
    codes = codes or list(MUNICIPALITIES)
    areas = ws.areas()
    obs = ws.observations(areas=None, indicators=None)
    obs = obs.reset_index()
    obs["municipality"] = obs["area_code"].map(areas["municipality_code"])
    pop = obs[(obs["indicator"] == "a_inw") & (obs["status"] == "ok")
              & obs["area_code"].isin(codes)].sort_values("year")
    newest_pop = pop.drop_duplicates("area_code", keep="last").set_index("area_code")
    rows = []
    for code in codes:
        if code not in areas.index:
            continue
        mine = areas[areas["municipality_code"] == code]
        data = obs[obs["municipality"] == code]
        rows.append(
            {
                "code": code,
                "gemeente": areas.loc[code, "name"],
                "wijken": int((mine["level"] == "district").sum()),
                "buurten": int((mine["level"] == "neighbourhood").sum()),
                "inwoners": (int(newest_pop.loc[code, "value"])
                             if code in newest_pop.index else None),
                "inwoners_jaar": (int(newest_pop.loc[code, "year"])
                                  if code in newest_pop.index else None),
                "jaren": sorted(int(y) for y in data["year"].unique()),
                "indicatoren": int(data["indicator"].nunique()),
                "waarden": int((data["status"] == "ok").sum()),
            }
        )
    return pd.DataFrame(rows).set_index("code") if rows else pd.DataFrame()
