"""Framework presets modelled on (not copies of) the four reference approaches."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def preset_names() -> list[str]:
    folder = resources.files("wijkkompas.framework.presets")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


def preset_path(name: str) -> Path | None:
    name = name.removesuffix(".yaml")
    if name not in preset_names():
        return None
    return Path(str(resources.files("wijkkompas.framework.presets").joinpath(f"{name}.yaml")))

