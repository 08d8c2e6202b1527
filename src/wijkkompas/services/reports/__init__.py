"""Reports on paper: the area report (PDF), the urgency brief (PDF, DOCX) and the council
report of the agenda (PDF, DOCX).

Each report is a view model built from the same view models as the web pages (the area
profile, the rank interval, the monitor, the agenda, the partners), rendered to HTML with the
templates in ``templates/`` and to a tagged PDF with WeasyPrint (:mod:`.render`). Maps and
charts are static SVG drawn here from the stored geometry and the view models' numbers
(:mod:`.svg`): no browser, no network.
"""

from __future__ import annotations

from wijkkompas.services.shared.cache import ResultCache
from wijkkompas.services.shared.context import ViewContext


def standalone_context(ws: object) -> ViewContext:
    """A view context for one command (the web app keeps its own, shared by requests)."""
    return ViewContext(ws, ResultCache(maxsize=64))
