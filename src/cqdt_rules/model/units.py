"""Units and their assessments: who a unit is, the values read for it, and where they were read."""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Iterable, Iterator, KeysView, Mapping
from decimal import Decimal
from typing import Any, ClassVar, NoReturn, Protocol, Union

import attrs

from cqdt_rules.errors import Span
from cqdt_rules.i18n import cut_note

SOURCES = ("self", "district", "audit")
"""The stages of an assessment, in order: the unit assesses itself, the district verifies its communes,
the province's audit team audits. A cohort is scored from one stage only (see ``latest_stage``)."""


SOURCES_HINT = "use 'self' (self-assessed), 'district' (verified by the district) or 'audit' (verified by the audit team)"


def audit_only_absent(source: str) -> bool:
    """Whether indicators the audit team alone enters are left out at this stage (every stage before the audit)."""
    return source != "audit"


def latest_stage(sources_per_unit: Iterable[set[str]]) -> str | None:
    """The latest stage every unit of a cohort has (so sources are never mixed within a cohort), or None."""
    common: set[str] | None = None
    for found in sources_per_unit:
        common = set(found) if common is None else common & found
    for stage in reversed(SOURCES):
        if common and stage in common:
            return stage
    return None

@attrs.frozen
class Pair:
    """An indicator with two parts: ``a`` out of ``b``."""

    a: Decimal
    b: Decimal

    def __str__(self) -> str:
        return f"{self.a}/{self.b}"


Value = Union[bool, Decimal, Pair, str, None]
"""A checked value: yes/no → bool; count, number, percent, score → Decimal; pair → Pair;
category → its name; None → not assessed (an audit-only indicator in a self-assessment)."""


class IndicatorValues(Mapping[str, Any]):
    """A unit's checked values as the checker hands them on: one tuple in the tier's indicator order (``row``)
    behind an index of names shared by every unit of the tier (``index``: name → position), not a dictionary of
    its own per unit (a dictionary of 22 values is some 830 bytes, the tuple some 230). It reads, compares and
    pickles as the dictionary of its values; the engine's generated functions read ``row`` by position. (A YAML
    file's table keeps the values it reads so too, behind the names each unit gives.)"""

    __slots__ = ("index", "row")

    index: Mapping[str, int]
    row: tuple[Any, ...]

    def __init__(self, index: Mapping[str, int], row: tuple[Any, ...]):
        self.index, self.row = index, row

    def __getitem__(self, name: str) -> Any:
        return self.row[self.index[name]]

    def get(self, name: str, default: Any = None) -> Any:
        position = self.index.get(name)
        return default if position is None else self.row[position]

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, name: object) -> bool:
        return name in self.index

    def keys(self) -> KeysView[str]:
        return self.index.keys()

    def __eq__(self, other: object) -> bool:
        if type(other) is IndicatorValues and other.index is self.index:
            return self.row == other.row
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # like a dictionary

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return IndicatorValues, (self.index, self.row)

    def as_dict(self) -> dict[str, Any]:
        """The dictionary of its values, made in one go (a reader of every value saves a method call per value)."""
        return dict(zip(self.index, self.row))


class ReadOnlyDict(dict):  # type: ignore[type-arg]
    """A dictionary that refuses every change: what is shared between units (the evidence of the units of a CSV
    file that give the same; in results, the empty ``outputs`` and ``computed`` of most tiers, the levels of the
    units that reach the same levels) is one such dictionary for all of them, not an equal dictionary per unit (64
    to 184 bytes each). Changing it raises ``TypeError``, as changing a ``MappingProxyType`` does, instead of
    changing every unit that shares it; ``attrs.evolve(unit, levels={...})`` gives a unit a dictionary of its own."""

    __slots__ = ()

    def _refused(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("this dictionary is shared between units and read-only: "
                        "use attrs.evolve(unit, ...) to give a unit other values")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refused  # type: ignore[assignment]

    def __copy__(self) -> dict[Any, Any]:
        return dict(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return ReadOnlyDict, (dict(self),)


class _Empty(Mapping[str, Any]):
    """The positions of an assessment that gives none, or the evidence of a unit read without any: one empty
    mapping for all, not an empty dictionary each. It reads, compares and pickles as an empty dictionary."""

    __slots__ = ()

    def __getitem__(self, name: str) -> Any:
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self) -> str:
        return "NO_SPANS"  # the one instance, found again by its name in this module


_EMPTY = _Empty()
NO_SPANS: Mapping[str, Span] = _EMPTY
NO_EVIDENCE: Mapping[str, tuple[str, ...]] = _EMPTY
"""The evidence of a unit that gives none (the same empty mapping as ``NO_SPANS``)."""


@attrs.frozen
class Assessment:
    """One unit's indicator values for one year and source (self-assessed or audited)."""

    code: str
    name: str
    tier: str
    year: int
    source: str
    values: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    evidence: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, hash=False)
    parent: str | None = None
    note: str | None = None
    origin: Span | None = attrs.field(default=None, eq=False, repr=False)
    value_spans: Mapping[str, Span] = attrs.field(default=NO_SPANS, eq=False, repr=False, hash=False)
    name_spans: Mapping[str, Span] = attrs.field(default=NO_SPANS, eq=False, repr=False, hash=False)
    field_spans: Mapping[str, Span] = attrs.field(default=NO_SPANS, eq=False, repr=False, hash=False)  # code, tier, source, ...

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.code, self.year, self.source)


class UnitTable(Protocol):
    """The units of one data file kept together (a CSV or YAML file's), which each unit's ``RowAssessment`` reads its
    values and positions from when they are asked for: ``row`` is the unit's place in the table."""

    def values(self, row: int) -> Mapping[str, Any]: ...

    def read_values(self, row: int) -> dict[str, Any]: ...

    def origin(self, row: int) -> Span: ...

    def value_spans(self, row: int) -> Mapping[str, Span]: ...

    def name_spans(self, row: int) -> Mapping[str, Span]: ...

    def field_spans(self, row: int) -> Mapping[str, Span]: ...


class StandIn:
    """What a compact stand-in for an attrs class (``stands_for``, given as ``class X(StandIn, Plain,
    stands_for=Plain)``) has in common: it compares equal to, and shows as, the instance of that class with the same
    fields. (It sets its ``__hash__`` to the plain class's itself: a class that defines ``__eq__`` has none.)"""

    __slots__ = ()

    _plain: ClassVar[str]
    _compared: ClassVar[tuple[str, ...]]
    _shown: ClassVar[tuple[str, ...]]
    _stands_for: ClassVar[type]

    def __init_subclass__(cls, stands_for: type, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        cls._stands_for, cls._plain = stands_for, stands_for.__name__
        cls._compared = tuple(field.name for field in attrs.fields(stands_for) if field.eq)
        cls._shown = tuple(field.name for field in attrs.fields(stands_for) if field.repr)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self._stands_for):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._compared)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __repr__(self) -> str:
        return self._plain + "(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown) + ")"


class RowAssessment(StandIn, Assessment, stands_for=Assessment):
    """An ``Assessment`` read from a table of units (``UnitTable``): its code, name, tier, year, source, parent,
    note and evidence are its own fields, as any assessment's; its values and positions are read from the table
    when asked for, so that a unit holds no mapping of values and no positions of its own (a file of 100,000 units
    holds some 100,000 fewer objects of each kind). Checked, it is one again, with its checked values
    (``checked``), which knows the unit it was read as (``read_of``). It compares, hashes, shows and pickles as the
    ``Assessment`` of the same fields (pickled, it is one, its values and positions read out); ``attrs.evolve`` and
    ``copy`` make an ``Assessment``."""

    __slots__ = ("_table", "_row", "_checked", "_read")

    _table: UnitTable
    _row: int
    _checked: Mapping[str, Value] | None
    _read: RowAssessment | None  # of a checked unit, the unit as read (None: this one is)

    def __new__(cls, *args: Any, **kwargs: Any) -> Assessment:  # type: ignore[misc]
        return Assessment(*args, **kwargs)  # a unit made from its fields (``attrs.evolve``) has its own

    @classmethod
    def of(cls, table: UnitTable, row: int, code: str, name: str, tier: str, year: int, source: str,
           evidence: Mapping[str, tuple[str, ...]], parent: str | None, note: str | None) -> RowAssessment:
        """Row ``row`` of ``table``, with the fields it keeps itself."""
        made: RowAssessment = object.__new__(cls)
        for set_field, value in zip(_SETTERS, (code, name, tier, year, source, evidence, parent, note, table, row, None,
                                               None)):
            set_field(made, value)
        return made

    def checked(self, code: str, name: str, parent: str | None, values: Mapping[str, Value]) -> RowAssessment:
        """The unit as the checker hands it on: its code, name and parent cleaned and its values checked (one step
        after the other: this runs for every unit checked)."""
        made: RowAssessment = _new(RowAssessment)
        set_code, set_name, set_tier, set_year, set_source, set_evidence, set_parent, set_note, set_table, set_row, \
            set_checked, set_read = _SETTERS
        set_code(made, code)
        set_name(made, name)
        set_tier(made, self.tier)
        set_year(made, self.year)
        set_source(made, self.source)
        set_evidence(made, self.evidence)
        set_parent(made, parent)
        set_note(made, self.note)
        set_table(made, self._table)
        set_row(made, self._row)
        set_checked(made, values)
        set_read(made, self if self._checked is None else self._read)
        return made

    @property
    def values(self) -> Mapping[str, Any]:
        checked = self._checked
        return checked if checked is not None else self._table.values(self._row)

    def read_values(self) -> dict[str, Any]:
        """Its values as a dictionary made in one go, without a mapping to read them through: what the checker
        reads of every unit."""
        checked = self._checked
        return dict(checked) if checked is not None else self._table.read_values(self._row)

    @property
    def origin(self) -> Span:
        return self._table.origin(self._row)

    @property
    def value_spans(self) -> Mapping[str, Span]:
        return self._table.value_spans(self._row)

    @property
    def name_spans(self) -> Mapping[str, Span]:
        return self._table.name_spans(self._row)

    @property
    def field_spans(self) -> Mapping[str, Span]:
        return self._table.field_spans(self._row)

    __hash__ = Assessment.__hash__  # equal to an Assessment of the same fields, with the same hash

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as the plain ``Assessment`` of its fields, its values (unless checked) and positions read out."""
        values = self.values if self._checked is not None else dict(self.values)
        read_out = {"values": values, "value_spans": dict(self.value_spans), "name_spans": dict(self.name_spans),
                    "field_spans": dict(self.field_spans)}
        return Assessment, tuple(read_out.get(field.name, getattr(self, field.name)) for field in attrs.fields(Assessment))


def read_of(checked: Assessment) -> RowAssessment | None:
    """The unit as read that a checked unit of a table was made from, when the two differ by their values alone
    (the checker left its code, name and parent as they were read): its checked values are all a result needs to
    keep beside it to make the checked unit again (``RowAssessment.checked``). None for any other unit."""
    if type(checked) is not RowAssessment:
        return None
    read = checked._read
    if read is None or checked.code != read.code or checked.name != read.name or checked.parent != read.parent:
        return None
    return read


_new = object.__new__
_SETTERS = tuple((vars(RowAssessment) if name.startswith("_") else vars(Assessment))[name].__set__
                 for name in ("code", "name", "tier", "year", "source", "evidence", "parent", "note",
                              *RowAssessment.__slots__))
"""The setters of the slots a ``RowAssessment`` keeps (the others are read from its table), in the order ``of``
takes them; ``tests/test_compact_input.py`` checks that they are every field it does not read from its table."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normal_code(code: str) -> str:
    """A unit code as compared: compatibility-normalised (fullwidth ｓｏ０１ → so01), without surrounding
    spaces or invisible characters (zero-width space, byte-order mark, soft hyphen)."""
    if code.isascii():  # NFKC leaves ASCII as it is, and no ASCII character is a format character
        return code.strip()
    text = unicodedata.normalize("NFKC", code)
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


def unit_origin(assessment: Assessment, code: str) -> Span:
    """Where the assessment was read (a unit given as Python data was read nowhere: its code stands for it)."""
    return assessment.origin or Span(f"<unit {code}>", 0, 0, 0, 0)


_SHOWN_CHARS = 60
_YEAR = re.compile(r"[0-9]{4}")


def read_year(raw: object) -> int | None:
    """A year of four ASCII digits, written as text or an integer (numpy's too); ``int()`` alone would also
    read ``2_022``, fullwidth digits or ``True``. None when it is not one."""
    if isinstance(raw, bool):
        return None
    if not isinstance(raw, str):
        try:
            raw = str(operator.index(raw))  # type: ignore[arg-type]
        except TypeError:
            return None
    text = raw.strip()
    return int(text) if _YEAR.fullmatch(text) else None


def shown(raw: object) -> str:
    """A raw value as it may appear in a message: one line, no control characters, at most 60 characters."""
    try:
        whole = str(raw)
    except ValueError:  # an int too long to write out
        return "a number too long to show"
    text = "".join(c if c.isprintable() else "\ufffd" for c in whole[:_SHOWN_CHARS * 4])
    return text if len(whole) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + cut_note(len(whole))


