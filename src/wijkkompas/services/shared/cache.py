"""A small in-process cache for scored results and map geometry.

Scoring a preset takes ~100–400 ms; pages must answer in well under 200 ms. Entries are keyed
by ``(kind, database URL, data version, ...)`` where the data version is read from the import
history on every request (one cheap query: number of runs, newest run id and its finish time).
Any import therefore invalidates every entry of that database at once; framework changes are
covered by the framework fingerprint in the key. Entries are kept in an LRU of bounded size.

Concurrent requests for the same missing key compute it once (a lock per key), other keys are
not blocked. :meth:`ResultCache.start` computes a key in a background thread (the rank interval
of the profile): it returns at once, and a request that needs the value meanwhile waits for that
same computation instead of starting a second one.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select

from wijkkompas.store.models import ImportRun

T = TypeVar("T")
log = logging.getLogger(__name__)


class ResultCache:
    """LRU of computed values with single-flight computation per key."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._running: set[Hashable] = set()  # keys computed by start() right now
        self._failed: set[Hashable] = set()  # keys whose background computation failed
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, factory: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._items:
                    self.hits += 1
                    return self._items[key]
            try:
                value = factory()
            except BaseException:
                with self._lock:  # a failed key leaves no lock behind (bad input: many keys)
                    if self._key_locks.get(key) is key_lock:
                        del self._key_locks[key]
                raise
            with self._lock:
                self.misses += 1
                self._items[key] = value
                self._items.move_to_end(key)
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
                self._key_locks.pop(key, None)
        return value

    def start(self, key: Hashable, factory: Callable[[], object]) -> bool:
        """Compute ``key`` in a background thread unless it is cached or being computed
        (single flight: :meth:`get` on the same key waits for that thread). Returns whether
        the value is ready now. A failure is logged and not tried again in the background
        for that key (a request that needs the value computes it and reports the error)."""
        with self._lock:
            if key in self._items:
                return True
            if key in self._running or key in self._failed:
                return False
            self._running.add(key)

        def run() -> None:
            try:
                self.get(key, factory)
            except Exception:  # noqa: BLE001 - the request that needs it reports the error
                log.exception("background computation of %r failed", key[:2]
                              if isinstance(key, tuple) else key)
                with self._lock:
                    if len(self._failed) >= self.maxsize:
                        self._failed.clear()
                    self._failed.add(key)
            finally:
                with self._lock:
                    self._running.discard(key)

        threading.Thread(target=run, name="wijkkompas-cache", daemon=True).start()
        return False

    def peek(self, key: Hashable) -> bool:
        """Whether ``key`` is cached (no computation, no LRU update)."""
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._failed.clear()

    def __len__(self) -> int:
        return len(self._items)


# Tables whose rows change what pages show besides imported data (monitor targets and pilots,
# the agenda); their row count and newest id join the data version.
VERSIONED_TABLES = ("monitor_target_versions", "monitor_pilots", "agendas", "allocations",
                    "measures", "framework_versions", "audit_log")


_VERSION_SQL: dict[str, str] = {}  # per SQL dialect: the version query, compiled once


def _version_sql(engine: Any) -> str:
    """The data-version query as SQL text for ``engine``'s dialect (building and compiling
    the statement costs more than running it, so that happens once per process)."""
    name = engine.dialect.name
    sql = _VERSION_SQL.get(name)
    if sql is None:
        from wijkkompas.database import metadata

        tables = metadata().tables
        columns = [func.count(ImportRun.id), func.max(ImportRun.id),
                   func.max(ImportRun.finished_at)]
        for table_name in VERSIONED_TABLES:
            table = tables.get(table_name)
            if table is None or "id" not in table.c:
                continue
            columns.append(select(func.count()).select_from(table).scalar_subquery())
            columns.append(select(func.max(table.c.id)).scalar_subquery())
            if "lock_version" in table.c:
                columns.append(select(func.sum(table.c.lock_version)).scalar_subquery())
        compiled = select(*columns).compile(dialect=engine.dialect)
        if compiled.params:  # never: the query has no parameters (keeps exec_driver_sql safe)
            raise RuntimeError("data-version query with parameters")
        sql = _VERSION_SQL[name] = str(compiled)
    return sql


def data_version(engine: Any) -> str:
    """A token that changes whenever an import run is added or finished, or a target, pilot,
    agenda or framework version is written, or anything else is recorded in the audit trail
    (partners, core teams, accounts; one small query per request)."""
    sql = _version_sql(engine)
    with engine.connect() as conn:
        row = conn.exec_driver_sql(sql).one()
    return ":".join(str(v) for v in row)
