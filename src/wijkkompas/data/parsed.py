"""The common result of every observation reader: long observations plus the areas named.

Readers turn a file into :class:`ParsedData`; :mod:`wijkkompas.data.load` writes it to the
store in one transaction. Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wijkkompas.data.codes import clean_codes, invalid_codes, levels
from wijkkompas.data.values import parse_values
from wijkkompas.errors import DataError

OBS_COLUMNS = ["area_code", "indicator", "year", "value", "status"]
AREA_COLUMNS = ["area_code", "name", "level", "year"]
# Columns that name the municipality of each row (kwb ``gm_naam``, wijk- en buurtkaart
# ``GM_NAAM``, PDOK ``gemeentena``, OData ``Gemeentenaam_1``, SCP ``gemnaam_2017``).
MUNICIPALITY_NAME = re.compile(r"^(?:gm_naam|gemeentenaam|gemeentena|gemnaam)(?:_\d+)?$",
                               re.IGNORECASE)


@dataclass
class ParsedData:
    """Observations in long form (``area_code``, ``indicator``, ``year``, ``value``, ``status``)
    and the areas the file names (``area_code``, ``name``, ``level``, ``year``)."""

    file: Path
    kind: str
    form: str
    observations: pd.DataFrame
    areas: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    source: str | None = None
    new_indicators: list[dict] = field(default_factory=list)
    # Names of municipalities the file only implies through wijk/buurt codes (GM code ->
    # name, from a gm_naam-like column); used for such parents only, never over a real name.
    municipality_names: dict[str, str] = field(default_factory=dict)
    # Worksheets read (names or 0-based positions) for the xlsx formula check; None = all.
    sheets: list[str | int] | None = None

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.observations["year"].unique())


def prepare_codes(frame: pd.DataFrame, column: str, *, file: Path, line_of) -> pd.Series:  # noqa: ANN001
    codes = clean_codes(frame[column])
    bad = invalid_codes(codes)
    if len(bad):
        pos = int(bad[0])
        raw = frame[column].iloc[pos]
        what = "ontbrekende gebiedscode" if not str(raw).strip() else "onbekende of misvormde gebiedscode"
        raise DataError(
            f"{what} (verwacht NL00, GMxxxx, WKxxxxxx of BUxxxxxxxx)",
            file=file.name,
            row=line_of(pos),
            column=column,
            value=raw,
        )
    return codes


def check_duplicates(codes: pd.Series, years: pd.Series, *, file: Path, column: str,
                     line_of) -> None:  # noqa: ANN001
    key = pd.DataFrame({"c": codes.to_numpy(), "y": years.to_numpy()})
    dup = key.duplicated(keep=False).to_numpy()
    if dup.any():
        positions = np.flatnonzero(dup)
        first = positions[0]
        same = positions[(key["c"].to_numpy()[positions] == key["c"].iloc[first])
                         & (key["y"].to_numpy()[positions] == key["y"].iloc[first])]
        rows = ", ".join(str(line_of(int(p))) for p in same[:5])
        raise DataError(
            f"gebied komt meer dan eens voor in hetzelfde jaar ({key['y'].iloc[first]}; rijen {rows})",
            file=file.name,
            row=line_of(int(same[1])),
            column=column,
            value=key["c"].iloc[first],
        )


def melt_columns(
    frame: pd.DataFrame,
    codes: pd.Series,
    years: pd.Series,
    columns: Mapping[str, str],
    *,
    file: Path,
    line_of,  # noqa: ANN001
) -> pd.DataFrame:
    """Turn wide columns (``{column: indicator}``) into long observations, parsing every value."""
    parts = []
    code_arr = codes.to_numpy(dtype=object)
    year_arr = years.to_numpy(dtype=np.int64)
    lines = file_lines(len(frame), line_of)
    for column, indicator in columns.items():
        values, status, bad = parse_values(frame[column])
        if bad is not None:
            raise DataError(
                "geen getal en geen CBS-symbool (. x - of leeg)",
                file=file.name,
                row=line_of(bad.position),
                column=column,
                value=bad.value,
            )
        parts.append(
            pd.DataFrame(
                {
                    "area_code": code_arr,
                    "indicator": indicator,
                    "year": year_arr,
                    "value": values,
                    "status": status,
                    "line": lines,
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OBS_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    # The file's column of every value (for located messages), as a categorical: cheap.
    out["column"] = pd.Categorical.from_codes(
        np.repeat(np.arange(len(columns)), len(frame)), categories=[str(c) for c in columns])
    return out


def file_lines(n: int, line_of) -> np.ndarray:  # noqa: ANN001
    """The file line (or record number) of rows ``0..n-1``, as an array."""
    return np.fromiter((line_of(p) for p in range(n)), dtype=np.int64, count=n)


def area_frame(codes: pd.Series, names: pd.Series | None, years: pd.Series) -> pd.DataFrame:
    if names is None:
        name_values = pd.Series([None] * len(codes), dtype=object)
    else:
        name_values = names.astype("string").str.strip().replace("", pd.NA).astype(object)
        name_values = name_values.where(name_values.notna(), None)
    out = pd.DataFrame(
        {
            "area_code": codes.to_numpy(dtype=object),
            "name": name_values.to_numpy(dtype=object),
            "level": levels(codes).to_numpy(dtype=object),
            "year": years.to_numpy(dtype=np.int64),
        }
    )
    return out.drop_duplicates(["area_code", "year"])


def municipality_names(frame: pd.DataFrame, codes: pd.Series,
                       years: pd.Series | None = None) -> dict[str, str]:
    """GM code -> municipality name from a ``gm_naam``-like column of ``frame`` (the name of
    the newest year wins); empty when the file has no such column."""
    col = next((c for c in frame.columns if MUNICIPALITY_NAME.match(str(c).strip())), None)
    if col is None:
        return {}
    gm = codes.astype("string").str.slice(2, 6)
    known = codes.astype("string").str[:2].isin(["GM", "WK", "BU"]).to_numpy(dtype=bool)
    names = frame[col].astype("string").str.strip().fillna("").to_numpy(dtype=object)
    out = pd.DataFrame({"gm": ("GM" + gm).to_numpy(dtype=object), "name": names,
                        "year": (years.to_numpy() if years is not None else 0)})
    out = out[known & (out["name"] != "").to_numpy(dtype=bool)]
    out = out[~out["name"].str.fullmatch(r"(?:GM)?\d+|-?9{5,}", na=False)]
    if out.empty:
        return {}
    latest = out.sort_values("year", kind="stable").drop_duplicates("gm", keep="last")
    return dict(zip(latest["gm"], latest["name"], strict=True))
