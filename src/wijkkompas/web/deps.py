"""Typed dependencies shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wijkkompas.services.shared.context import ViewContext


def get_ctx(request: Request) -> ViewContext:
    ctx = request.app.state.ctx.for_request()
    # The page cache has read the data version for this request already: use the same one.
    version = getattr(request.state, "data_version", None)
    if version is not None:
        ctx._version = version
    return ctx


CtxDep = Annotated[ViewContext, Depends(get_ctx)]
