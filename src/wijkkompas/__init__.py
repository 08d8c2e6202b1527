"""wijkkompas — gebiedsgericht werken met wijk- en buurtdata.

The plain Python API lives in :mod:`wijkkompas.workspace`::

    >>> import wijkkompas
    >>> ws = wijkkompas.open_workspace("demo.sqlite")  # doctest: +SKIP
    >>> ws.observations(indicators=["a_inw"]).head()  # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "open_workspace"]


def open_workspace(target: str | None = None, *, create: bool = True):  # noqa: ANN201
    """Open a workspace (SQLite path or SQLAlchemy URL); see :class:`wijkkompas.workspace.Workspace`."""
    from wijkkompas.workspace import Workspace

    return Workspace.open(target, create=create)
