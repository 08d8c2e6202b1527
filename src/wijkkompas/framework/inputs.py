"""The data a framework is scored on, independent of where it came from.

:class:`ScoringData` holds observations in long form and an area table. The workspace fills it
from the database (:func:`wijkkompas.services.framework.scoring.scoring_data`); analysts can build it from
a plain wide CSV with :func:`from_wide_table` without any database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wijkkompas.data.codes import clean_codes, invalid_codes, levels, municipality_of
from wijkkompas.errors import DataError


@dataclass
class Coded:
    """The observations as integer codes: each key column factorised once (sorted, so code
    order is value order; -1 = missing), plus the year, value and status arrays. Every look-up
    of the scorer (which rows, which years, the wide table, the fingerprint) works on these
    instead of the object columns."""

    area: np.ndarray  # codes into ``areas``
    areas: pd.Index
    indicator: np.ndarray  # codes into ``indicators``
    indicators: pd.Index
    year: np.ndarray  # codes into ``years``
    years: pd.Index
    status: np.ndarray  # codes into ``statuses``
    statuses: pd.Index
    year_values: np.ndarray  # the year column as it is
    value: np.ndarray  # float, NaN where missing
    fingerprints: dict[tuple, str] = field(default_factory=dict)  # per selection

    @classmethod
    def of(cls, obs: pd.DataFrame) -> Coded:
        parts = []
        for col in ("area_code", "indicator", "year", "status"):
            codes, uniques = pd.factorize(obs[col], sort=True)
            parts += [codes.astype(np.int32), pd.Index(uniques)]
        return cls(*parts, year_values=obs["year"].to_numpy(),
                   value=obs["value"].to_numpy(dtype=float, na_value=np.nan))

    @staticmethod
    def positions(uniques: pd.Index, wanted: list) -> np.ndarray:  # noqa: ANN001
        """Per unique value its position in ``wanted`` (-1: not wanted), one more entry
        (-1) at the end for the missing code -1."""
        return np.append(pd.Index(wanted).get_indexer(uniques), -1)

    @staticmethod
    def member(uniques: pd.Index, wanted: list) -> np.ndarray:  # noqa: ANN001
        """Per unique value whether it is in ``wanted`` (as ``isin``), plus False for -1."""
        return np.append(uniques.isin(wanted), False)

    def status_is(self, *values: str) -> np.ndarray:
        """Per row whether the status is one of ``values``."""
        return self.member(self.statuses, list(values))[self.status]


@dataclass
class ScoringData:
    """``observations``: columns area_code, indicator, year, value, status (value NaN unless
    status is ok). ``areas``: index area_code, columns name, level, municipality_code.

    The observations are factorised into integer codes once, on first use, and kept with the
    object (:attr:`coded`): one ScoringData per data version serves every scoring run on that
    version. Replace ``observations`` rather than changing the frame in place."""

    observations: pd.DataFrame
    areas: pd.DataFrame
    _coded: tuple[pd.DataFrame, Coded] | None = field(default=None, init=False, repr=False,
                                                      compare=False)

    @property
    def coded(self) -> Coded:
        """The integer codes of :attr:`observations` (made on first use, then cached)."""
        if self._coded is None or self._coded[0] is not self.observations:
            self._coded = (self.observations, Coded.of(self.observations))
        return self._coded[1]

    def wide(self, codes: list[str], indicators: list[str], years: list[int]) -> pd.DataFrame:
        """Rows (year, area_code) for every requested area and year; one column per indicator."""
        c = self.coded
        # Scatter into a dense (year, area, indicator) array: the first non-missing value of
        # a cell wins (as pivot_table's "first"); much faster than a pivot on large frames.
        # The positions double as the selection (-1: not requested).
        u_years = sorted(set(years))
        u_codes = sorted(set(codes))
        u_inds = list(dict.fromkeys(indicators))
        ai = c.positions(c.areas, u_codes)[c.area]
        ii = c.positions(c.indicators, u_inds)[c.indicator]
        yi = c.positions(c.years, u_years)[c.year]
        rows = np.flatnonzero((ai >= 0) & (ii >= 0) & (yi >= 0))
        ok = c.member(c.statuses, ["ok", "estimated"])[c.status[rows]]
        v = c.value[rows]
        has = ok & ~np.isnan(v)
        rows, v = rows[has], v[has]
        flat = (yi[rows].astype(np.int64) * len(u_codes) + ai[rows]) * len(u_inds) + ii[rows]
        out = np.full(len(u_years) * len(u_codes) * len(u_inds), np.nan)
        out[flat] = v
        if np.count_nonzero(~np.isnan(out)) != len(flat):  # a cell twice: keep the first
            order = np.argsort(flat, kind="stable")
            first = np.ones(len(order), dtype=bool)
            first[1:] = flat[order][1:] != flat[order][:-1]
            out[flat[order][first]] = v[order][first]
        full = pd.MultiIndex.from_product([u_years, u_codes], names=["year", "area_code"])
        wide = pd.DataFrame(out.reshape(len(full), len(u_inds)), index=full,
                            columns=pd.Index(u_inds), copy=False)
        if len(u_years) != len(years) or len(u_codes) != len(codes) \
                or len(u_inds) != len(indicators):
            wide = wide.reindex(index=pd.MultiIndex.from_product(
                [sorted(years), sorted(codes)], names=["year", "area_code"]),
                columns=indicators)
        return wide

    def group_labels(self, column: str, index: pd.Index) -> pd.Series:
        """The group of every ``(year, area_code)`` row of ``index`` by ``column``: an area
        attribute (``municipality_code``, ``parent_code``, a text column of a table), else an
        indicator's value in that year. NaN where a row has no group."""
        from wijkkompas.errors import FrameworkError

        if not isinstance(column, str) or not column:
            raise FrameworkError(f"steps.impute: parameter group moet een kolomnaam zijn, niet "
                                 f"{column!r}")
        areas = index.get_level_values("area_code")
        if column in self.areas.columns:
            return pd.Series(areas.map(self.areas[column]).to_numpy(dtype=object), index=index)
        if (self.observations["indicator"] == column).any():
            years = sorted({int(y) for y in index.get_level_values("year")})
            wide = self.wide(sorted(set(areas)), [column], years)
            return wide[column].reindex(index)
        known = [c for c in self.areas.columns if c not in ("name", "level", "years")]
        raise FrameworkError(f"steps.impute: groepskolom {column!r} niet gevonden; kies een "
                             f"kolom van de tabel of een gebiedskenmerk ({', '.join(known)})")

    def years_with(self, indicators: list[str]) -> list[int]:
        """The years in which any of ``indicators`` has a value with status ok."""
        c = self.coded
        rows = c.member(c.indicators, indicators)[c.indicator] & c.status_is("ok")
        present = np.bincount(c.year[rows & (c.year >= 0)], minlength=len(c.years)) > 0
        return sorted(int(y) for y in c.years[present])

    def all_years(self) -> list[int]:
        """Every year in the observations (any status)."""
        return sorted(int(y) for y in self.coded.years)

    def fingerprint(self, codes: list[str], indicators: list[str], years: list[int]) -> str:
        """A short hash of exactly the values used (order-independent). Kept per selection
        with the codes: scoring variants of one framework on the same data (sensitivity,
        what-if) select the same rows."""
        c = self.coded
        key = (frozenset(codes), frozenset(indicators), frozenset(years))
        if key not in c.fingerprints:
            c.fingerprints[key] = self._fingerprint(codes, indicators, years)
        return c.fingerprints[key]

    def _fingerprint(self, codes: list[str], indicators: list[str], years: list[int]) -> str:
        c = self.coded
        wanted = (c.member(c.areas, codes)[c.area]
                  & c.member(c.indicators, indicators)[c.indicator]
                  & c.member(c.years, years)[c.year])
        # Every row (the workspace loads only what the framework needs): no copies.
        rows = slice(None) if wanted.all() else np.flatnonzero(wanted)
        # Sorted by (area_code, indicator, year): the codes are sorted like the values, and
        # the workspace hands observations over in that order already, so check that first.
        keys = [c.area[rows], c.indicator[rows], c.year[rows]]
        if not _is_sorted(keys):
            rows = np.arange(len(wanted))[rows][np.lexsort(keys[::-1])]
        h = hashlib.sha256()
        _update_joined(h, c.areas, c.area[rows])
        _update_joined(h, c.indicators, c.indicator[rows])
        h.update(np.ascontiguousarray(c.year_values[rows], dtype=np.int64))
        h.update(np.nan_to_num(c.value[rows], nan=-1e300))
        # a missing status (code -1, the last entry) reads "nan"
        _update_joined(h, c.statuses.append(pd.Index(["nan"])), c.status[rows])
        return h.hexdigest()[:16]


def _update_joined(h: hashlib._Hash, uniques: pd.Index, codes: np.ndarray) -> None:
    """Feed ``"|".join(str(uniques[k]) for k in codes)`` (UTF-8; code -1 is the last unique)
    into ``h``, taking the row texts from the uniques instead of converting every row; a
    column in long runs (the area codes of sorted observations) is written run by run."""
    if not len(codes):
        return
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    if len(starts) * 8 <= len(codes):  # long runs
        names = [f"{u}|".encode() for u in uniques]
        sizes = np.diff(np.r_[starts, len(codes)])
        text = b"".join([names[k] * n for k, n in zip(codes[starts].tolist(), sizes.tolist(),
                                                      strict=True)])
    else:
        names = np.array([f"{u}|" for u in uniques], dtype=object)
        text = "".join(names[codes].tolist()).encode()
    h.update(memoryview(text)[:-1])  # no separator after the last value


def _is_sorted(keys: list[np.ndarray]) -> bool:
    """Whether rows are in ascending lexicographic order of ``keys`` (first key first);
    missing or incomparable values give ``False`` (the caller then sorts)."""
    if len(keys[0]) < 2:
        return True
    try:
        ok = np.zeros(len(keys[0]) - 1, dtype=bool)
        tie = np.ones(len(keys[0]) - 1, dtype=bool)
        for key in keys:
            nxt, prev = key[1:], key[:-1]
            ok |= tie & np.asarray(nxt > prev, dtype=bool)
            tie &= np.asarray(nxt == prev, dtype=bool)
        return bool((ok | tie).all())
    except TypeError:
        return False


def from_wide_table(path: str | Path, *, year: int | None = None, id_column: str | None = None,
                    name_column: str | None = None, year_column: str | None = None,
                    level: str = "district", numeric: Iterable[str] = ()) -> ScoringData:
    """Read a plain wide CSV (area code + one column per indicator, optional year column).

    Without ``id_column`` the area-code column is the first column whose values are all CBS
    codes. With ``id_column`` the units are that column's values taken as they are (any ids:
    regions, postcode areas, another country's units), all at ``level``; columns that are not
    all numbers are kept as unit attributes (e.g. a group for group imputation) instead of
    indicators, except the ``numeric`` ones (the framework's indicators), whose first
    non-number is an error. The year comes from ``year_column``, else a ``year`` or ``jaar``
    column (with ``id_column`` also ``Time``, as COINr names it), else ``year`` must be given.
    ``name_column`` names the units (default a ``naam``/``name``/``regio`` column, else the id).
    """
    from wijkkompas.data.sniff import read_table_text, read_text
    from wijkkompas.data.values import parse_values

    path = Path(path)
    tf = read_text(path)
    frame = read_table_text(tf)
    for given, what in ((id_column, "--id-column"), (name_column, "--name-column"),
                        (year_column, "--year")):
        if given is not None and given not in frame.columns:
            raise DataError(f"kolom {given!r} ({what}) staat niet in de tabel; kolommen: "
                            f"{', '.join(frame.columns)}", file=path.name, row=1)
    if id_column is not None:
        code_col = id_column
        codes = frame[code_col].astype(str).str.strip()
        empty = np.flatnonzero((codes == "").to_numpy())
        if len(empty):
            raise DataError("lege id", file=path.name, row=int(empty[0]) + 2, column=code_col)
    else:
        code_col = None
        for col in frame.columns:
            found = clean_codes(frame[col])
            if len(found) and len(invalid_codes(found)) == 0:
                code_col = col
                break
        if code_col is None:
            raise DataError("geen kolom met CBS-gebiedscodes gevonden (geef --id-column op "
                            "voor andere ids)", file=path.name, row=1)
        codes = clean_codes(frame[code_col])
    names_ok = ("year", "jaar", "time") if id_column is not None else ("year", "jaar")
    year_col = year_column or next((c for c in frame.columns if c.lower() in names_ok), None)
    if year_col is not None:
        years = pd.to_numeric(frame[year_col], errors="coerce")
        whole = years.notna() & (years == years.round())
        if not whole.all():
            pos = int(np.flatnonzero(~whole.to_numpy())[0])
            raise DataError("geen geldig jaar", file=path.name, row=pos + 2, column=year_col,
                            value=frame[year_col].iloc[pos])
        years = years.astype(int)
    elif year is not None:
        years = pd.Series([year] * len(frame))
    else:
        raise DataError("geen jaarkolom; geef het jaar op", file=path.name)
    if id_column is not None:
        twice = pd.DataFrame({"c": codes, "y": years}).duplicated()
        if twice.any():
            pos = int(np.flatnonzero(twice.to_numpy())[0])
            raise DataError("id komt twee keer voor in hetzelfde jaar", file=path.name,
                            row=pos + 2, column=code_col, value=codes.iloc[pos])
    name_col = name_column or next(
        (c for c in frame.columns if c.lower() in ("naam", "name", "regio")), None)
    must = set(numeric)
    parts, attributes = [], {}
    for col in frame.columns:
        if col in (code_col, year_col, name_col) or (
                name_column is None and col.lower() in ("naam", "name", "regio")):
            continue
        values, status, bad = parse_values(frame[col])
        if bad is not None and id_column is not None and col not in must:
            text = frame[col].astype(str).str.strip()
            attributes[col] = text.where(text != "", None).to_numpy(dtype=object)
            continue
        if bad is not None:
            raise DataError("geen getal", file=path.name, row=bad.position + 2, column=col,
                            value=bad.value)
        parts.append(pd.DataFrame({"area_code": codes.to_numpy(dtype=object), "indicator": col,
                                   "year": years.to_numpy(), "value": values,
                                   "status": status}))
    if not parts:
        raise DataError("geen kolommen met getallen", file=path.name, row=1)
    obs = pd.concat(parts, ignore_index=True)
    names = frame[name_col] if name_col is not None else codes
    if id_column is not None:
        areas = pd.DataFrame({"name": names.to_numpy(dtype=object), "level": level,
                              "municipality_code": None, **attributes},
                             index=pd.Index(codes.to_numpy(dtype=object), name="area_code"))
    else:
        areas = pd.DataFrame({
            "name": names.to_numpy(dtype=object),
            "level": levels(codes).to_numpy(dtype=object),
            "municipality_code": [municipality_of(c) for c in codes],
        }, index=pd.Index(codes.to_numpy(dtype=object), name="area_code"))
    areas = areas[~areas.index.duplicated()]
    return ScoringData(obs, areas)
