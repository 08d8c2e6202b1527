"""Framework presets modelled on (not copies of) the four reference approaches."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wijkkompas.framework.schema import Framework


def preset_names() -> list[str]:
    folder = resources.files("wijkkompas.framework.presets")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


def preset_path(name: str) -> Path | None:
    name = name.removesuffix(".yaml")
    if name not in preset_names():
        return None
    return Path(str(resources.files("wijkkompas.framework.presets").joinpath(f"{name}.yaml")))


@lru_cache(maxsize=64)
def _framework_file(path: str, mtime_ns: int) -> Framework:
    from wijkkompas.framework.schema import load_framework

    return load_framework(path)


def load_preset(name: str) -> Framework:
    """A preset framework, parsed once per file version (YAML parsing costs ~60 ms).

    ``name`` is matched against the preset registry, never used as a path; an unknown name
    gets one message that does not repeat it, so the answer is the same whatever was asked
    (an existing file, a missing one, a device)."""
    from wijkkompas.errors import NotFound
    from wijkkompas.i18n import _

    path = preset_path(name)
    if path is None:
        raise NotFound(_("Onbekend afwegingskader; kies uit {names}.").format(
            names=", ".join(preset_names())))
    return _framework_file(str(path), path.stat().st_mtime_ns)
