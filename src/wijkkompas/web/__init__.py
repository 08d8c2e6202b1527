"""The web app: HTML pages (Jinja2), their JSON twins under /api/v1, static assets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """See :func:`wijkkompas.web.app.create_app` (imported lazily: no import-time work)."""
    from wijkkompas.web.app import create_app as _create

    return _create(*args, **kwargs)
