"""What a framework step needs besides the data itself.

Data frames passed between steps have rows indexed by ``(year, area_code)`` (a MultiIndex with
those names) and one column per indicator code. Series keyed by indicator code carry per-indicator
settings; nothing is positional.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class StepContext:
    """Per-indicator settings and a place to put warnings.

    Attributes
    ----------
    directions
        +1 (higher is better) or -1 (higher is worse), by indicator code. Neutral indicators
        must be given a direction by the framework before they can be used.
    reference
        Raw reference value per indicator (e.g. the city average in the base year), or empty.
    goalposts
        Frame indexed by indicator with columns ``low`` and ``high`` (raw units), or empty.
    targets
        Raw target value per indicator, or empty.
    groups
        Group label per row (same index as the data), e.g. the municipality code; used by
        group-wise imputation.
    not_assessed
        Why a row's area gets no priority tier (None when it does), same index as the data; the
        normalisation is fitted on the assessed rows (``priority.scale_on_assessed``).
    warnings
        Messages that name areas and indicators; steps append, never print.
    steps
        Intermediate frames the scoring run keeps for the step files (``denominated``,
        ``imputed``, ``treated``); references, never copies.
    """

    directions: pd.Series
    reference: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    goalposts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["low", "high"], dtype=float))
    targets: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    groups: pd.Series | None = None
    not_assessed: pd.Series | None = None
    warnings: list[str] = field(default_factory=list)
    steps: dict[str, pd.DataFrame] = field(default_factory=dict)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
