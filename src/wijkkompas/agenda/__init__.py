"""Investeringsagenda: measures, funding streams, optimised allocation, council terms, yearly diff.

The package is pure Python over dataclasses and pandas; it never touches the database (see
:mod:`wijkkompas.agenda.store` for the tables and :mod:`wijkkompas.services.agenda.usecases` for the use
cases). Import the submodules you need; importing this package loads nothing heavy.
"""

from __future__ import annotations

__all__: list[str] = []
