"""Typed options read as attributes, shared safely between threads, with change notification.

An ``Option`` is declared once on a ``LiveOptions`` subclass: type, default and
a one-line doc. Reading ``settings.port`` returns the typed value — defaults
live in the declaration only. The values sit in one immutable mapping that
a change replaces as a whole under a lock, so the core thread reads without
locking and never sees half a change; ``snapshot()`` freezes a consistent
set for a decision that reads several options.

A change either is the user's (``settings.x = v`` or ``update(...)``: kept,
i.e. written to the settings file) or holds for this run only
(``override(...)``: command-line values, never written). Subscribers of the
changed options are called after the change, on the thread that made it.
"""

from __future__ import annotations

import logging
import threading
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar, overload

log = logging.getLogger(__name__)

T = TypeVar("T")


class Option(Generic[T]):
    """One setting: its type (as written in an annotation), default and a one-line doc."""

    def __init__(self, kind: Any, default: T, doc: str) -> None:
        self.kind = kind
        self.default = default
        self.doc = doc
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Option[T]: ...
    @overload
    def __get__(self, obj: LiveOptions, owner: type | None = None) -> T: ...
    def __get__(self, obj: LiveOptions | None, owner: type | None = None) -> Option[T] | T:
        if obj is None:
            return self
        value: T = _copy(obj._values[self.name])
        return value

    def __set__(self, obj: LiveOptions, value: T) -> None:
        obj.update(**{self.name: value})

    def coerce(self, value: Any) -> T:
        """``value`` as the declared type; ``ValueError`` when it cannot be."""
        try:
            return _coerce(value, self.kind)  # type: ignore[no-any-return]
        except (TypeError, ValueError):
            raise ValueError(f"setting {self.name}={value!r} is not a valid {self.kind}") from None


def _copy(value: Any) -> Any:
    """Lists and dicts go out as copies: nobody can change the shared value in place."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def _coerce(value: Any, kind: Any) -> Any:
    origin = getattr(kind, "__origin__", None)
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise TypeError
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise TypeError
        return int(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise TypeError
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise TypeError
        return value
    if origin is list:
        if not isinstance(value, list | tuple):
            raise TypeError
        (item_type,) = kind.__args__
        return [item_type(v) for v in value]
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(kind, types.UnionType):  # float | None
        if value is None:
            return None
        inner = [k for k in kind.__args__ if k is not type(None)]
        return _coerce(value, inner[0])
    raise TypeError


@dataclass(frozen=True)
class Change:
    """What a subscriber is told: the names that changed, and the values before and after."""

    names: frozenset[str]
    old: Any
    new: Any


Subscriber = Callable[[Change], None]


class LiveOptions:
    """The machinery behind a class of ``Option`` declarations."""

    _options: ClassVar[dict[str, Option[Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._options = {
            name: value
            for klass in reversed(cls.__mro__)
            for name, value in vars(klass).items()
            if isinstance(value, Option)
        }

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(self._options)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        merged = {name: _copy(option.default) for name, option in self._options.items()}
        for name, value in values.items():
            merged[name] = self._options[name].coerce(value)
        self._values: Mapping[str, Any] = types.MappingProxyType(merged)
        self._overridden: frozenset[str] = frozenset()
        self._frozen = False
        self._lock = threading.RLock()
        self._subscribers: list[tuple[frozenset[str], Subscriber]] = []

    @classmethod
    def options(cls) -> dict[str, Option[Any]]:
        """Every declared option by name, in declaration order."""
        return dict(cls._options)

    # -- reading ---------------------------------------------------------------

    def snapshot(self) -> Self:
        """A frozen copy: consistent values for a decision that reads several options."""
        frozen = self.__class__.__new__(self.__class__)
        frozen.__dict__.update(self.__dict__)
        frozen._subscribers = []
        frozen._frozen = True
        return frozen

    def values(self) -> dict[str, Any]:
        return {name: _copy(value) for name, value in self._values.items()}

    @property
    def overridden(self) -> frozenset[str]:
        """The options holding a one-off (command-line) value this run."""
        return self._overridden

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LiveOptions) or type(other) is not type(self):
            return NotImplemented
        return dict(self._values) == dict(other._values)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        changed = {n: v for n, v in self._values.items() if v != self._options[n].default}
        return f"{type(self).__name__}({', '.join(f'{n}={v!r}' for n, v in changed.items())})"

    # -- changing --------------------------------------------------------------

    def update(self, **changes: Any) -> frozenset[str]:
        """The user's choices: applied, kept (``persist``), announced; returns what changed.

        Every given value is kept, changed or not, and stops being an override.
        """
        return self._change(changes, one_off=False)

    def update_from_form(self, shown: dict[str, Any], now: dict[str, Any]) -> frozenset[str]:
        """A form opened showing ``shown`` and now holds ``now``: keep what the user chose.

        That is every value the user changed, and the unchanged ones too — except
        this run's overrides, which a form merely displayed (``--port`` must not
        be written because the user changed the theme).
        """
        chosen = {
            name: value
            for name, value in now.items()
            if value != shown.get(name) or name not in self._overridden
        }
        return self.update(**chosen)

    def override(self, **changes: Any) -> frozenset[str]:
        """Values for this run only (command line): applied and announced, never kept."""
        return self._change(changes, one_off=True)

    def persist(self, changes: dict[str, Any]) -> None:
        """Keep the user's changes (a subclass writes them to its file)."""

    def _change(self, changes: dict[str, Any], *, one_off: bool) -> frozenset[str]:
        if self._frozen:
            raise AttributeError("a settings snapshot cannot change")
        unknown = set(changes) - set(self._options)
        if unknown:
            raise AttributeError(f"unknown settings: {', '.join(sorted(unknown))}")
        coerced = {name: self._options[name].coerce(value) for name, value in changes.items()}
        with self._lock:
            old = self.snapshot()
            changed = {n: v for n, v in coerced.items() if self._values[n] != v}
            if one_off:
                self._overridden = self._overridden | set(changed)
            else:
                self._overridden = self._overridden - set(coerced)
                if coerced:
                    self.persist({n: _copy(v) for n, v in coerced.items()})
            if not changed:
                return frozenset()
            self._values = types.MappingProxyType({**self._values, **changed})
            new = self.snapshot()
            subscribers = list(self._subscribers)
        names = frozenset(changed)
        change = Change(names, old, new)
        for wanted, callback in subscribers:
            if not wanted or wanted & names:
                try:
                    callback(change)
                except Exception:
                    log.exception("a subscriber of settings %s failed", ", ".join(sorted(names)))
        return names

    def subscribe(self, callback: Subscriber, names: Iterable[str] = ()) -> Callable[[], None]:
        """Call ``callback(change)`` after any of ``names`` (all when empty) changes.

        Returns the function that unsubscribes.
        """
        wanted = frozenset(names)
        unknown = wanted - set(self._options)
        if unknown:
            raise AttributeError(f"unknown settings: {', '.join(sorted(unknown))}")
        entry = (wanted, callback)
        with self._lock:
            self._subscribers.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._subscribers:
                    self._subscribers.remove(entry)

        return unsubscribe
