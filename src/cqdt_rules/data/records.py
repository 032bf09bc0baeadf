"""Assessments from Python data: a list of dicts (rows of a database, a web form, JSON), with the same
checks as a data file and errors that name the record and field ("record 17, field 'may_tinh'")."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from cqdt_rules.data.fields import names_order
from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError
from cqdt_rules.model.units import NO_EVIDENCE, Assessment, IndicatorValues, nfc, read_year, shown

_IDENTITY = ("code", "name", "tier", "parent", "year", "source", "note")
_REQUIRED = ("code", "name", "tier", "year", "source")


def record_span(index: int, field: str | None = None) -> Span:
    """Where an error in record ``index`` (its position in the list, from 0) points: no line, a name."""
    return Span(f"record {index}" + (f", field '{field}'" if field else ""), 0, 0, 0, 0)


class _RecordSpans(Mapping[str, Span]):
    """Where each named field of record ``index`` is (``record_span``), made when asked for (an error): a record
    keeps the names, not a ``Span`` for each."""

    __slots__ = ("_index", "_names")

    def __init__(self, index: int, names: Collection[str]):
        self._index, self._names = index, names

    def __getitem__(self, name: str) -> Span:
        if name not in self._names:
            raise KeyError(name)
        return record_span(self._index, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def assessments_from_records(records: Iterable[Mapping[str, Any]]) -> tuple[Assessment, ...]:
    """One ``Assessment`` per dict. A record holds the fields of a unit (code, name, tier, parent, year,
    source, note) and its values either under ``values`` (a dict, as in YAML) or as keys of their own (as
    the columns of a CSV row or a database table; a pair as ``x.a`` and ``x.b`` or as ``x: [a, b]``);
    evidence under ``evidence`` (indicator → list of references). Values are checked against a ruleset
    when scored, like a file's; every error names the record (its index in ``records``) and the field.
    Raises DataError listing every problem of every record."""
    if isinstance(records, Mapping):
        raise UsageError("expected a list of records (dicts), one per unit, not one record: pass [record]")
    if isinstance(records, (str, bytes)) or not isinstance(records, Iterable):
        raise UsageError(f"expected a list of records (dicts), one per unit, not {type(records).__name__}")
    found: list[Assessment] = []
    problems: list[Diagnostic] = []
    for index, record in enumerate(records):
        assessment = _assessment(index, record, problems)
        if assessment is not None:
            found.append(assessment)
    if problems:
        raise DataError(problems)
    return tuple(found)


def _assessment(index: int, record: Any, problems: list[Diagnostic]) -> Assessment | None:
    if not isinstance(record, Mapping):
        problems.append(Diagnostic(record_span(index), f"expected a dict for a unit, got {type(record).__name__}"))
        return None
    missing = [k for k in _REQUIRED if record.get(k) in (None, "")]
    if missing:
        problems.append(Diagnostic(record_span(index), f"unit is missing {', '.join(missing)}"))
        return None
    year = read_year(record["year"])
    if year is None:
        problems.append(Diagnostic(record_span(index, "year"), f"expected a year of four digits, got '{shown(record['year'])}'"))
        return None
    values, evidence = _values(index, record, problems)
    if values is None:
        return None
    # the values as one tuple behind the names the record gives (one dictionary for every record that gives the
    # same names in the same order), not a dictionary of their own: as a YAML file's table keeps them
    kept = IndicatorValues(names_order(tuple(values)), tuple(values.values()))
    return Assessment(
        code=str(record["code"]), name=nfc(str(record["name"])), tier=str(record["tier"]), year=year,
        source=str(record["source"]), values=kept, evidence=evidence or NO_EVIDENCE,
        parent=None if record.get("parent") in (None, "") else str(record["parent"]),
        note=None if record.get("note") in (None, "") else str(record["note"]),
        origin=record_span(index), value_spans=_RecordSpans(index, kept.index),
        field_spans=_RecordSpans(index, names_order(tuple(k for k in _IDENTITY if k in record))),
    )


def _values(index: int, record: Mapping[str, Any],
            problems: list[Diagnostic]) -> tuple[dict[str, Any] | None, dict[str, tuple[str, ...]]]:
    nested = record.get("values", {})
    if not isinstance(nested, Mapping):
        problems.append(Diagnostic(record_span(index, "values"), "expected a dict of indicator values"))
        return None, {}
    values: dict[str, Any] = dict(nested)
    pairs: dict[str, dict[str, Any]] = {}
    for key, value in record.items():
        if key in _IDENTITY or key in ("values", "evidence"):
            continue
        name, _, part = str(key).rpartition(".")
        if part in ("a", "b") and name:
            pairs.setdefault(name, {})[part] = value
        elif key in values:
            problems.append(Diagnostic(record_span(index, str(key)), f"'{key}' is given twice (also under 'values')"))
        else:
            values[str(key)] = value
    for name, parts in pairs.items():
        if set(parts) != {"a", "b"}:
            problems.append(Diagnostic(record_span(index, name), f"pair '{name}' needs both '{name}.a' and '{name}.b'"))
            continue
        values[name] = None if parts["a"] in (None, "") and parts["b"] in (None, "") else [parts["a"], parts["b"]]
    raw_evidence = record.get("evidence") or {}
    if not isinstance(raw_evidence, Mapping):
        problems.append(Diagnostic(record_span(index, "evidence"), "expected a dict: indicator → list of references"))
        return None, {}
    evidence = {str(name): _references(refs) for name, refs in raw_evidence.items()}
    return values, {name: refs for name, refs in evidence.items() if refs}


def _references(refs: Any) -> tuple[str, ...]:
    if refs is None or refs == "":
        return ()
    if isinstance(refs, str):
        return (nfc(refs),)
    return tuple(nfc(str(r)) for r in refs if r not in (None, ""))
