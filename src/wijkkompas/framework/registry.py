"""Registries of named methods, one per framework step.

A framework file says ``normalise: {method: minmax, params: {low: 0, high: 100}}``; the
registry looks the name up and checks the parameters. An unknown name or parameter gives a
:class:`~wijkkompas.errors.FrameworkError` that lists the valid ones.

    >>> NORMALISE.names()[:3]  # doctest: +SKIP
    ['borda', 'dist_max', 'dist_ref']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wijkkompas.errors import FrameworkError


@dataclass(frozen=True)
class Method:
    """A registered method: its function, its parameters with defaults, and its documentation."""

    name: str
    step: str
    func: Callable[..., Any]
    defaults: dict[str, Any] = field(default_factory=dict)
    label_nl: str = ""

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""

    def check_params(self, params: dict[str, Any] | None, where: str = "") -> dict[str, Any]:
        """Defaults merged with ``params``; unknown keys are an error naming the valid ones."""
        params = dict(params or {})
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            valid = ", ".join(sorted(self.defaults)) or "(geen)"
            raise FrameworkError(
                f"{where}{self.step} '{self.name}': onbekende parameter(s) {', '.join(unknown)}; "
                f"geldig: {valid}"
            )
        return {**self.defaults, **params}

    def __call__(self, *args: Any, **params: Any) -> Any:
        return self.func(*args, **self.check_params(params))


class Registry:
    """Named methods of one step."""

    def __init__(self, step: str) -> None:
        self.step = step
        self._methods: dict[str, Method] = {}

    def register(self, name: str, *, label_nl: str = "", **defaults: Any
                 ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: register ``func`` under ``name`` with keyword parameters ``defaults``."""

        def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
            if name in self._methods:
                raise ValueError(f"{self.step}: method {name!r} registered twice")
            self._methods[name] = Method(name, self.step, func, dict(defaults), label_nl)
            return func

        return wrap

    def get(self, name: str, where: str = "") -> Method:
        try:
            return self._methods[name]
        except KeyError:
            valid = ", ".join(self.names())
            raise FrameworkError(
                f"{where}onbekende {self.step}-methode {name!r}; kies uit: {valid}"
            ) from None

    def names(self) -> list[str]:
        return sorted(self._methods)

    def __contains__(self, name: str) -> bool:
        return name in self._methods

    def methods(self) -> list[Method]:
        return [self._methods[n] for n in self.names()]


DENOMINATE = Registry("denominate")
SCREEN = Registry("screen")
IMPUTE = Registry("impute")
TREAT = Registry("treat")
NORMALISE = Registry("normalise")
WEIGHT = Registry("weight")
AGGREGATE = Registry("aggregate")
