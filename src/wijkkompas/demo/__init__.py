"""The bundled demo data set: Rotterdam, Groningen, Enschede and Assen.

The files in ``data/`` are cut from real open data by :mod:`wijkkompas.demo.build`, with
known source defects corrected explicitly (see ``data/PROVENANCE.md``). ``manifest.yaml``
lists them in import order with the importer and options each needs.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

MUNICIPALITIES = {
    "GM0599": "Rotterdam",
    "GM0014": "Groningen",
    "GM0153": "Enschede",
    "GM0106": "Assen",
}


def data_dir() -> Path:
    return Path(str(resources.files("wijkkompas.demo").joinpath("data")))


def manifest() -> list[dict[str, Any]]:
    text = (data_dir() / "manifest.yaml").read_text("utf-8")
    return yaml.safe_load(text)["files"]
