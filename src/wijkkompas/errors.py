"""Typed errors. The CLI turns them into one line and a non-zero exit; the web layer into one shape."""

from __future__ import annotations

from typing import Any


class WijkkompasError(Exception):
    """Base class of every error wijkkompas raises on purpose."""

    def to_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "message": str(self)}


class ConfigError(WijkkompasError):
    """A setting or option is invalid."""


class FrameworkError(WijkkompasError):
    """A framework definition (YAML) or a framework step is invalid; the message names the key."""


class Conflict(WijkkompasError):
    """Somebody else changed the record since it was read (optimistic locking).

    ``entity`` names the record (e.g. ``"partner:Woonbron"``), ``current`` and ``yours`` are
    the stored and the loaded lock version, ``changes`` lists what the other save changed as
    ``{"field", "before", "after"}`` mappings (taken from the audit trail when known), so a
    page can show the user what happened instead of overwriting it silently."""

    def __init__(self, message: str, *, entity: str | None = None, current: int | None = None,
                 yours: int | None = None, changes: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.entity = entity
        self.current = current
        self.yours = yours
        self.changes = changes or []

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.entity:
            out.update(entity=self.entity, current_version=self.current,
                       your_version=self.yours, changes=self.changes)
        return out


class Forbidden(WijkkompasError):
    """The user lacks the role or scope for an action (see :mod:`wijkkompas.permissions`)."""


class Unauthenticated(WijkkompasError):
    """An action needs a logged-in user or an API token and none was given."""


class NotFound(WijkkompasError):
    """Something asked for by name or code does not exist."""


class NetworkError(WijkkompasError):
    """A remote service (CBS StatLine) could not be reached or gave no usable answer."""


class DataError(WijkkompasError):
    """Bad input data, located as precisely as possible.

    ``row`` is the 1-based line number in the file as a user sees it in an editor
    (header line included) where that is meaningful; for JSON or geodata it is the
    record number.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(f"{self.file}")
        if self.row is not None:
            where.append(f"rij {self.row}")
        if self.column is not None:
            where.append(f"kolom {self.column!r}")
        if self.value is not None:
            shown = str(self.value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            where.append(f"waarde {shown!r}")
        prefix = ", ".join(where)
        text = f"{prefix}: {self.message}" if prefix else self.message
        # Always one line: parts may come from the file (a column name with a line break)
        # or from a parser's message.
        return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.update(
            file=self.file,
            row=self.row,
            column=self.column,
            value=None if self.value is None else str(self.value),
        )
        return out

    def located(self, **where: Any) -> DataError:
        """Return a copy with missing location fields filled in."""
        fields = {k: getattr(self, k) for k in ("file", "row", "column", "value")}
        for key, val in where.items():
            if fields.get(key) is None:
                fields[key] = val
        return DataError(self.message, **fields)


class TooLarge(WijkkompasError):
    """An input passes a size limit (rows, bytes); nothing was stored. The web answers 413."""

    def __init__(self, message: str, *, limit: int | None = None) -> None:
        super().__init__(message)
        self.limit = limit
