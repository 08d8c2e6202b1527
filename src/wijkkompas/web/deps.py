"""Typed dependencies shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wijkkompas.services.viewcontext import ViewContext


def get_ctx(request: Request) -> ViewContext:
    return request.app.state.ctx.for_request()


CtxDep = Annotated[ViewContext, Depends(get_ctx)]
