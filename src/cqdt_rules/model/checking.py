"""The one place raw indicator values and a unit's identity are checked against a ruleset."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Union

import attrs

from cqdt_rules.errors import DataError, Diagnostic, Span, did_you_mean
from cqdt_rules.model import readergen
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import NotANumber, NumberError, is_whole, read_value
from cqdt_rules.model.slots import init_only_sets_slots
from cqdt_rules.model.units import (SOURCES, SOURCES_HINT, Assessment, IndicatorValues, Pair, RowAssessment, Value,
                                    audit_only_absent, nfc, normal_code, shown, unit_origin)
from cqdt_rules.tables import control_character, holds_control_character

_STAGE_TEXT = {"self": "a self-assessment", "district": "the district's verification"}
YES_WORDS = {"yes", "có", "co", "true", "1", "x", "đạt"}
NO_WORDS = {"no", "không", "khong", "false", "0", "không đạt"}


def _clean_identity(assessment: Assessment) -> tuple[str, str | None, list[Diagnostic]]:
    """The assessment's code and parent normalised; a problem for each text field holding a control character."""
    problems = []
    texts = [text for text in (assessment.code, assessment.name, assessment.parent, assessment.note, assessment.tier,
                               assessment.source) if isinstance(text, str)]
    texts.extend("; ".join(refs) for refs in assessment.evidence.values())
    if holds_control_character(" ".join(texts)):  # else no field holds one: nothing to look at closely
        problems = _control_characters(assessment)
    code = normal_code(assessment.code)
    if not code:
        problems.append(Diagnostic(_field_span(assessment, "code"), "a unit has an empty code"))
    parent = normal_code(assessment.parent) if assessment.parent else None
    return code, parent or None, problems


def _control_characters(assessment: Assessment) -> list[Diagnostic]:
    problems = []
    fields = {"code": assessment.code, "name": assessment.name, "parent": assessment.parent, "note": assessment.note,
              "tier": assessment.tier, "source": assessment.source}
    fields.update({f"evidence of '{k}'": "; ".join(refs) for k, refs in assessment.evidence.items()})
    for field, text in fields.items():
        # a note or an evidence reference may run over several lines; a name or a code is one line
        multiline = field == "note" or field.startswith("evidence")
        found = control_character(text, "\n\r\t" if multiline else "") if isinstance(text, str) else None
        if found:
            problems.append(Diagnostic(_field_span(assessment, field),
                                       f"the {field} of unit '{shown(normal_code(assessment.code))}' holds a control character ({found})",
                                       hint="remove it: names, codes and labels are plain text"))
    return problems


def _field_span(assessment: Assessment, field: str) -> Span:
    return assessment.field_spans.get(field) or unit_origin(assessment, assessment.code)


def _evolver(cls: type[Any] = Assessment) -> Callable[[Assessment, str, str, str | None, Mapping[str, Value]], Assessment]:
    """``attrs.evolve(assessment, code=.., name=.., parent=.., values=..)`` at a fraction of its cost (evolve looks
    every field up by name; this runs for every unit checked), written out once from the class's own fields: each
    slot set as attrs' ``__init__`` sets it, without the call, when that is all ``__init__`` does (as the value
    reader makes a ``Pair``); else one call of ``Assessment`` with every other field copied."""
    changed = ("code", "name", "parent", "values")
    fields = attrs.fields(cls)
    given = {field.name: field.name if field.name in changed else f"assessment.{field.name}" for field in fields}
    namespace: dict[str, Any] = {"Assessment": cls, "new": object.__new__}
    if init_only_sets_slots(cls):
        namespace.update({f"set_{name}": getattr(cls, name).__set__ for name in given})
        body = ["made = new(Assessment)", *(f"set_{name}(made, {value})" for name, value in given.items()), "return made"]
    else:
        body = [f"return Assessment({', '.join(given.values())})"]
    exec(f"def evolved(assessment, {', '.join(changed)}):\n" + "".join(f"    {line}\n" for line in body), namespace)
    evolved: Callable[[Assessment, str, str, str | None, Mapping[str, Value]], Assessment] = namespace["evolved"]
    return evolved


_evolved = _evolver()


def _checked_assessment(assessment: Assessment, code: str, name: str, parent: str | None,
                        values: Mapping[str, Value]) -> Assessment:
    """The assessment as the checker hands it on: its code, name and parent cleaned, its values checked; a unit read
    from a table stays one (``RowAssessment.checked``)."""
    if type(assessment) is RowAssessment:
        return assessment.checked(code, name, parent, values)
    return _evolved(assessment, code, name, parent, values)


Where = Union[Span, RowAssessment, None]
"""Where a unit was read, as ``AssessmentChecker.seen`` keeps it: its origin, or for a unit read from a table the
unit itself, which makes its origin when a message needs it (a ``Span`` per unit checked is some 100 bytes)."""


def _where(assessment: Assessment) -> Where:
    return assessment if type(assessment) is RowAssessment else assessment.origin


def origin_of(where: Where) -> Span | None:
    """The origin of a unit as ``AssessmentChecker.seen`` keeps it (``Where``)."""
    return where.origin if isinstance(where, RowAssessment) else where


def _folded(code: str) -> str | None:
    """How a code is kept to find codes that differ only in letter case (in lower case, or as written when it
    is already); None for a code without letters, which no other code differs from in case alone."""
    folded = code.casefold()
    if folded == code == code.upper():
        return None
    return code if folded == code else folded


class AssessmentChecker:
    """``check_assessments`` one assessment at a time, for data read as a stream: of each assessment it keeps
    only its key and where it was (to find duplicates), so any number of them is checked in little memory."""

    def __init__(self, ruleset: m.Ruleset):
        self.ruleset = ruleset
        self.problems: list[Diagnostic] = []
        self._tiers = {t.id: t for t in ruleset.tiers}
        # what checking needs of each tier walks the whole tree: work it out once, not once per assessment
        self._values_of = {t.id: tier_values(t) for t in ruleset.tiers}
        self.seen: dict[tuple[int, str], dict[str, Where]] = {}
        """Each unit checked, by year and source then code: where it was read (``origin_of`` gives its origin)."""
        self._written: dict[str, str] = {}  # a code with letters, in lower case → the code as first written

    def check(self, assessment: Assessment) -> Assessment | None:
        """The assessment with its identity cleaned and values coerced, or None when it has a problem (added
        to ``problems``)."""
        try:
            checked = self._quick(assessment)
        except Exception:  # a field or value of an unexpected type: the whole way says what is wrong with it
            checked = None
        return checked if checked is not None else self.check_whole_way(assessment)

    def _quick(self, assessment: Assessment) -> Assessment | None:
        """The checked assessment when nothing is wrong with it (the usual case), found with less work than
        ``check_whole_way``; None, with nothing recorded, when something might be, for the whole way to check it
        again and report. Each check below stands for one of the whole way's, and errs on the side of None."""
        code, parent, evidence = assessment.code, assessment.parent, assessment.evidence
        # printable text holds no control character (a tab in a note, which is allowed, is left to the whole way)
        if not (code + assessment.name + (parent or "") + (assessment.note or "") + assessment.tier + assessment.source
                + "".join(map("".join, evidence.values()))).isprintable():
            return None
        code = normal_code(code)
        parent = (normal_code(parent) or None) if parent else None
        folded = _folded(code)
        if not code or (folded is not None and self._written.get(folded, code) != code):
            return None
        cohort = (assessment.year, assessment.source)
        seen = self.seen.get(cohort)
        checks = self._values_of.get(assessment.tier)
        if (seen is not None and code in seen) or checks is None or assessment.source not in SOURCES or \
                (checks.by_district and not parent):
            return None
        values = checks.quick_values(assessment, code)
        if values is None:
            return None
        if folded is not None:
            self._written.setdefault(folded, code)
        if seen is None:
            seen = self.seen[cohort] = {}
        seen[code] = _where(assessment)
        return _checked_assessment(assessment, code, nfc(assessment.name), parent, values)

    def check_whole_way(self, assessment: Assessment) -> Assessment | None:
        """``check`` one check after the other, each reporting what it finds."""
        before = len(self.problems)
        code, parent, found = _clean_identity(assessment)
        if found:
            self.problems.extend(found)
            return None
        self._collision(code, assessment)
        seen = self.seen.setdefault((assessment.year, assessment.source), {})
        if code in seen:
            first = origin_of(seen[code])
            self.problems.append(Diagnostic(unit_origin(assessment, assessment.code), f"unit '{code}' appears twice for {assessment.year} "
                                                   f"({assessment.source})", hint=f"first seen at {first}" if first else None))
            return None
        seen[code] = _where(assessment)
        values = self._values(assessment, code, parent)
        if values is None or len(self.problems) > before:
            return None
        return _checked_assessment(assessment, code, nfc(assessment.name), parent,
                                   self._values_of[assessment.tier].compact(values))

    def _collision(self, code: str, assessment: Assessment) -> None:
        """Codes that differ only in letter case after normalisation name the same unit: refuse them."""
        folded = _folded(code)
        if folded is None:
            return
        first = self._written.setdefault(folded, code)
        if first != code:
            self.problems.append(Diagnostic(_field_span(assessment, "code"),
                                            f"unit code '{shown(code)}' differs from code '{shown(first)}' only in letter case",
                                            hint="write one unit's code the same way everywhere"))

    def _values(self, assessment: Assessment, code: str, parent: str | None) -> Mapping[str, Value] | None:
        """The values coerced, for the assessment whose code and parent are cleaned to ``code`` and ``parent``."""
        if assessment.source not in SOURCES:
            self.problems.append(Diagnostic(_field_span(assessment, "source"),
                                            f"unknown source '{assessment.source}' for unit '{code}'", hint=SOURCES_HINT))
            return None
        tier = self._tiers.get(assessment.tier)
        if tier is None:
            self.problems.append(Diagnostic(_field_span(assessment, "tier"),
                                            f"unit '{code}' has tier '{assessment.tier}', which ruleset "
                                            f"'{self.ruleset.id}' does not define",
                                            hint=did_you_mean(assessment.tier, self._tiers) or f"tiers: {', '.join(self._tiers)}"))
            return None
        checks = self._values_of[tier.id]
        if not parent and checks.by_district:
            self.problems.append(Diagnostic(unit_origin(assessment, assessment.code), f"unit '{code}' of tier '{tier.id}' has no parent district",
                                            hint="give its district's code as 'parent': this tier ranks or normalises within the district"))
        values, found = checks.coerce(assessment, code)
        self.problems.extend(found)
        return values


def check_assessments(ruleset: m.Ruleset, assessments: Iterable[Assessment]) -> tuple[Assessment, ...]:
    """Return the assessments with values coerced to their declared types; raise DataError listing
    every problem (unknown tier, duplicate unit, missing or invalid value, ...)."""
    checker = AssessmentChecker(ruleset)
    checked = [found for found in map(checker.check, assessments) if found is not None]
    if checker.problems:
        raise DataError(checker.problems)
    return tuple(checked)


def groups_by_district(tier: m.Tier) -> bool:
    """True when the tier ranks or normalises within the district: its units' parents change results."""
    if any(r.within == "district" for r in tier.rankings):
        return True
    return any(isinstance(r, m.NormalisedRule) and r.within == "district" for n in tier.walk() for r in rules_of(n.rule))


def direct_limits(tier: m.Tier) -> dict[str, Decimal]:
    """For each indicator scored by a ``direct`` rule, the maximum of the criterion it scores."""
    limits: dict[str, Decimal] = {}
    for node in tier.walk():
        for rule in rules_of(node.rule):
            if isinstance(rule, m.DirectRule):
                limits[rule.indicator] = node.max
    return limits


def rules_of(rule: m.Rule | None) -> list[m.Rule]:
    if rule is None:
        return []
    if isinstance(rule, m.BestOfRule):
        return [r for alt in rule.alternatives for r in rules_of(alt)]
    return [rule]


def coerce_values(tier: m.Tier, assessment: Assessment, limits: Mapping[str, Decimal],
                  indicators: Mapping[str, m.Indicator] | None = None) -> tuple[Mapping[str, Value], list[Diagnostic]]:
    """The assessment's values coerced to the tier's indicator types, and every problem found.
    ``indicators`` (the tier's, by name) can be passed by a caller checking many assessments of the tier.
    What checking the tier needs is worked out once (``TierValues``) and kept for the next call."""
    kept = tier_values(tier)
    if kept.limits != limits or (indicators is not None and kept.indicators != indicators):
        kept = TierValues(tier, limits, indicators)
    return kept.coerce(assessment, assessment.code)


def values_index(tier: m.Tier) -> dict[str, int]:
    """Where each of a tier's indicators is in its units' checked values (``IndicatorValues.row``): one index
    per tier, shared by every unit checked and by the engine's generated functions, which read by position."""
    index: dict[str, int] | None = tier.memo.get(IndicatorValues)
    if index is None:
        index = tier.memo[IndicatorValues] = {ind.name: i for i, ind in enumerate(tier.indicators)}
    return index


def tier_values(tier: m.Tier) -> TierValues:
    """The ``TierValues`` of a tier (with the limits of its ``direct`` criteria), worked out once per tier."""
    kept: TierValues | None = tier.memo.get(TierValues)
    if kept is None:
        kept = tier.memo[TierValues] = TierValues(tier, direct_limits(tier))
    return kept


class TierValues:
    """Checks the values of one tier's assessments, with what that needs worked out once: the tier's indicators
    by name and, for each, a quick reader (``_quick_reader``) of the inputs data usually hold, all read by one
    generated function per tier (``readergen``; one for the audit, one for the stages before it). When it is not
    sure of a value (a missing one or an invalid one among them), the unit's values are checked again the whole
    way (``coerce_value``), which reports every problem.
    ``by_district``: whether the tier's units need a parent (``groups_by_district``)."""

    def __init__(self, tier: m.Tier, limits: Mapping[str, Decimal], indicators: Mapping[str, m.Indicator] | None = None):
        self.tier = tier
        self.limits = dict(limits)
        self.indicators = dict(indicators) if indicators is not None else {ind.name: ind for ind in tier.indicators}
        self._names = self.indicators.keys()
        self.by_district = groups_by_district(tier)
        index = values_index(tier)
        self._index = index if list(index) == list(self.indicators) else {name: i for i, name in enumerate(self.indicators)}
        self._reads: dict[bool, Callable[[Mapping[str, Any]], IndicatorValues]] = {}
        self._by_source: dict[str, tuple[Callable[[Mapping[str, Any]], IndicatorValues], int]] = {}

    def compact(self, values: Mapping[str, Value]) -> IndicatorValues:
        """Values checked the whole way and found right (every indicator of the tier has one) as the quick
        reader hands them on."""
        if type(values) is IndicatorValues and values.index is self._index:
            return values
        return IndicatorValues(self._index, tuple(values[name] for name in self._index))

    def _reader(self, before_audit: bool) -> Callable[[Mapping[str, Any]], IndicatorValues]:
        """The tier's generated reader for the audit or the stages before it, made when first needed (generating
        and compiling it costs milliseconds: a file of communes makes none for the other tiers)."""
        read = self._reads.get(before_audit)
        if read is None:
            # before the audit, an indicator only the audit team enters must be absent
            reads = [(name, readergen.Absent() if before_audit and ind.audit_only else _fast_read(ind, self.limits))
                     for name, ind in self.indicators.items()]
            read = self._reads[before_audit] = readergen.reader(reads, _Unsure, Pair, self._index)
        return read

    def quick_values(self, assessment: Assessment, code: str) -> IndicatorValues | None:
        """``coerce`` of an assessment in which it finds no problem (the usual case), with less work; None when it
        might find one."""
        given: Mapping[str, Any]
        if type(assessment) is RowAssessment:  # a unit of a file's table: its values read at once, with no mapping made
            given = assessment.read_values()
        else:
            given = assessment.values
            as_dict = getattr(given, "as_dict", None)  # a mapping that reads values when asked (a CSV row) reads all at once
            if as_dict is not None:
                given = as_dict()  # the same names
        read, present = self._by_source.get(assessment.source) or self._source_reader(assessment.source)
        try:
            values = read(given)
        except _Unsure:
            problems: list[Diagnostic] = []
            whole_way = self.coerce_each(assessment, code, problems)
            if problems:
                return None
            values, present = self.compact(whole_way), -1
        # a reader that read every value found each of the ``present`` names it reads (audit-only ones aside)
        # in ``given``: when ``given`` holds no more names, it holds no unknown one
        if len(given) != present and not given.keys() <= self._names:
            return None
        evidence = assessment.evidence
        if evidence and not evidence.keys() <= self._names:
            return None
        return values

    def _source_reader(self, source: str) -> tuple[Callable[[Mapping[str, Any]], IndicatorValues], int]:
        """The reader of a stage's values, and how many names it finds in the values it reads (kept in ``_by_source``)."""
        before_audit = audit_only_absent(source)
        present = sum(1 for ind in self.indicators.values() if not (before_audit and ind.audit_only))
        found = self._by_source[source] = (self._reader(before_audit), present)
        return found

    def coerce(self, assessment: Assessment, code: str) -> tuple[Mapping[str, Value], list[Diagnostic]]:
        """``coerce_values`` of the assessment, named ``code`` in messages (its code as cleaned)."""
        given = assessment.values
        problems: list[Diagnostic] = []
        if not given.keys() <= self._names:
            problems.extend(self._unknown(assessment, code, given, message="unknown indicator '{name}' for tier '{tier}'",
                                          spans=assessment.name_spans))
        values: Mapping[str, Value]
        try:
            values = self._reader(audit_only_absent(assessment.source))(given)
        except _Unsure:
            values = self.coerce_each(assessment, code, problems)
        if not assessment.evidence.keys() <= self._names:
            problems.extend(self._unknown(assessment, code, assessment.evidence,
                                          message="evidence for unknown indicator '{name}'", spans=None))
        return values, problems

    def _unknown(self, assessment: Assessment, code: str, names: Iterable[str], message: str,
                 spans: Mapping[str, Span] | None) -> list[Diagnostic]:
        found = []
        for name in names:
            if name not in self.indicators:
                where = _value_span(assessment, code, name)
                found.append(Diagnostic(spans.get(name, where) if spans is not None else where,
                                        message.format(name=name, tier=self.tier.id), hint=did_you_mean(name, self.indicators)))
        return found

    def coerce_each(self, assessment: Assessment, code: str, problems: list[Diagnostic]) -> dict[str, Value]:
        """The values coerced one by one the whole way, each problem added to ``problems``."""
        values: dict[str, Value] = {}
        for name, ind in self.indicators.items():
            self._coerce(ind, assessment.values.get(name), assessment, code, values, problems)
        return values

    def _coerce(self, ind: m.Indicator, raw: Any, assessment: Assessment, code: str, values: dict[str, Value],
                problems: list[Diagnostic]) -> None:
        """One indicator's value, the whole way: missing, audit-only, then ``coerce_value``, reporting what is wrong."""
        name = ind.name
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if ind.audit_only and audit_only_absent(assessment.source):
                values[name] = None
            elif ind.default is not None:
                values[name] = coerce_value(ind, ind.default, self.limits, lambda msg, hint=None: None)
            else:
                problems.append(Diagnostic(unit_origin(assessment, code), f"unit '{code}' has no value for '{name}' ({ind.label})",
                                           hint=f"add '{name}' ({kind_text(ind)}) or declare a default in the ruleset"))
            return
        if ind.audit_only and audit_only_absent(assessment.source):
            stage = _STAGE_TEXT[assessment.source]
            problems.append(Diagnostic(_value_span(assessment, code, name), f"'{name}' is entered only by the audit team, "
                                       f"not in {stage}", hint=f"remove the value from {stage}"))
            return

        # a pair's part left blank is pointed at where the data give it its own place (a CSV file's X.b column)
        empty = _blank_part(raw) if ind.kind == "pair" and isinstance(raw, (list, tuple)) and len(raw) == 2 else None
        where = assessment.value_spans.get(f"{name}.{empty}") if empty else None

        def report(message: str, hint: str | None = None) -> None:
            problems.append(Diagnostic(where or _value_span(assessment, code, name), f"unit '{code}', '{name}': {message}",
                                       hint=hint))

        values[name] = coerce_value(ind, raw, self.limits, report)


def _value_span(assessment: Assessment, code: str, name: str) -> Span:
    return assessment.value_spans.get(name) or unit_origin(assessment, code)


class _Unsure(Exception):
    """What a quick reader raises for a value it leaves to ``coerce_value``."""


QuickReader = Callable[[Any], Value]


def _quick_reader(ind: m.Indicator, limits: Mapping[str, Decimal]) -> QuickReader:
    """A reader that gives, for the inputs most data hold (the text the file readers give, numbers, bools, pairs
    of them, checked values read again), exactly the value ``coerce_value`` gives, and raises ``_Unsure`` for
    anything else (a missing value or a problem among them), which then goes through ``coerce_value``. tests/test_value_checks.py holds
    the two to the same answers."""
    if ind.kind in ("yesno", "category"):
        return _quick_word(ind, _words_of(ind))
    if ind.kind == "pair":
        return _quick_pair(ind)
    return _quick_number(ind, limits)


def _fast_read(ind: m.Indicator, limits: Mapping[str, Decimal]) -> readergen.FastRead:
    """How the tier's generated reader reads the indicator: the common case of its quick reader written inline."""
    if ind.kind in ("yesno", "category"):
        table = _words_of(ind)
        return readergen.Word(table, _quick_word(ind, table))
    quick = _quick_reader(ind, limits)
    if ind.kind == "pair":
        return readergen.CountPair(ind.a_may_exceed_b, quick) if ind.range is None else readergen.Other(quick)
    return readergen.Number(*number_bounds(ind, limits), ind.kind == "count", quick)


def _refused(message: str, hint: str | None = None) -> None:
    raise _Refused


class _Refused(Exception):
    pass


def _words_of(ind: m.Indicator) -> dict[str, Value]:
    """The words a yes/no or category indicator accepts as written (and in capitals), and what each reads as."""
    return _yes_no_table() if ind.kind == "yesno" else _category_table(ind)


def _quick_word(ind: m.Indicator, table: Mapping[str, Value]) -> QuickReader:
    """A yes/no or category: the words of ``table`` (``_words_of``)."""
    is_yesno = ind.kind == "yesno"

    def quick(raw: Any) -> Value:
        if type(raw) is str:
            try:
                return table[raw]
            except KeyError:
                raise _Unsure from None
        if is_yesno and (raw is True or raw is False):
            return raw
        raise _Unsure

    return quick


@functools.cache
def _yes_no_table() -> dict[str, Value]:
    """Every yes/no word as written, in capitals and capitalised, and what ``_coerce_yesno`` reads it as."""
    return _word_table([*YES_WORDS, *NO_WORDS], lambda form: _coerce_yesno(form, _refused))


def _category_table(ind: m.Indicator) -> dict[str, Value]:
    """Every category name as written, in capitals and capitalised, and what ``coerce_value`` reads it as. A form
    that is no category is refused here: ``coerce_value`` would write its message, with the close names found by
    ``difflib`` (a millisecond to import), only for it to be thrown away."""
    names = {c.name for c in ind.categories}
    return _word_table(names, lambda form: coerce_value(ind, form, {}, _refused) if nfc(form.strip()) in names
                       else _refused(form))


def _word_table(words: Iterable[str], read: Callable[[str], Value]) -> dict[str, Value]:
    """Each word as written, in capitals and capitalised, and what ``read`` (which reports a problem through
    ``_refused``) makes of it; a form it refuses is left out."""
    table = {}
    for form in {form for word in words for form in (word, word.upper(), word.capitalize())}:
        try:
            table[form] = read(form)
        except _Refused:
            continue
    return table


def number_bounds(ind: m.Indicator, limits: Mapping[str, Decimal]) -> tuple[Decimal, Decimal]:
    """The bounds within which a number meets every check of ``_check_number`` (a count must be whole too)."""
    low, high = _NO_BOUNDS
    if ind.kind in ("count", "percent", "score"):
        low = Decimal(0)
    if ind.kind == "percent":
        high = Decimal(100)
    if ind.kind == "score" and ind.name in limits:
        high = limits[ind.name]
    if ind.range is not None:
        low, high = max(low, ind.range[0]), min(high, ind.range[1])
    return low, high


_NO_BOUNDS = (Decimal("-Infinity"), Decimal("Infinity"))


def _quick_number(ind: m.Indicator, limits: Mapping[str, Decimal]) -> QuickReader:
    low, high = number_bounds(ind, limits)
    whole = ind.kind == "count"

    def quick(raw: Any) -> Value:
        if type(raw) is str and len(raw) < 16 and raw.isascii() and raw.isdigit():
            number = Decimal(raw)  # a count, as read_number reads it at once
        else:
            try:
                number = read_value(raw)
            except NumberError:
                raise _Unsure from None
            if whole and (not is_whole(number) or looks_grouped(raw)):
                raise _Unsure
        if low <= number <= high:
            return number
        raise _Unsure

    return quick


def _quick_pair(ind: m.Indicator) -> QuickReader:
    low, high = (Decimal(0), _NO_BOUNDS[1]) if ind.range is None else (max(Decimal(0), ind.range[0]), ind.range[1])
    whole = ind.range is None
    may_exceed = ind.a_may_exceed_b

    def quick(raw: Any) -> Value:
        kind = type(raw)
        if kind is list or kind is tuple:
            if len(raw) != 2:
                raise _Unsure
            first, second = raw
        elif kind is Pair:
            first, second = raw.a, raw.b
        else:
            raise _Unsure
        if type(first) is str and type(second) is str and len(first) < 16 and len(second) < 16 \
                and first.isascii() and second.isascii() and first.isdigit() and second.isdigit():
            a, b = Decimal(first), Decimal(second)  # two counts, as read_number reads them at once
            if whole:  # no range declared: two counts are a pair unless a > b is refused
                if a > b and not may_exceed:
                    raise _Unsure
                return Pair(a, b)
        else:
            try:
                a, b = read_value(first), read_value(second)
            except NumberError:
                raise _Unsure from None
            if whole and (not (is_whole(a) and is_whole(b)) or looks_grouped(first) or looks_grouped(second)):
                raise _Unsure
        if not (low <= a <= high and low <= b <= high) or (a > b and not may_exceed):
            raise _Unsure
        return Pair(a, b)

    return quick


def kind_text(ind: m.Indicator) -> str:
    if ind.kind == "category":
        return "one of " + ", ".join(c.name for c in ind.categories)
    if ind.kind == "pair":
        return "a pair a/b"
    return {"yesno": "yes or no", "count": "a whole number", "percent": "a percentage 0..100"}.get(ind.kind, "a number")


def _decimal(raw: Any) -> tuple[Decimal | None, str]:
    """The number ``raw`` holds and "", or None and why it is not one (see model.numbers)."""
    try:
        return read_value(raw), ""
    except NotANumber:
        return None, ""
    except NumberError as error:
        return None, str(error)


def coerce_value(ind: m.Indicator, raw: Any, limits: Mapping[str, Decimal],
            report: Callable[..., None]) -> Value:
    kind = ind.kind
    if kind != "pair" and isinstance(raw, (list, tuple)):  # a CSV file's X.a and X.b columns, a YAML list
        name = ind.name
        report(f"takes one value ({kind_text(ind)}), not a pair",
               f"write it in one column '{name}', not in '{name}.a' and '{name}.b' (in YAML: one value, not a list)")
        return None
    if kind == "yesno":
        return _coerce_yesno(raw, report)
    if kind == "category":
        text = nfc(str(raw).strip())
        names = [c.name for c in ind.categories]
        if text not in names:
            report(f"'{shown(text)}' is not an allowed category", did_you_mean(text, names) or f"allowed: {', '.join(names)}")
            return None
        return text
    if kind == "pair":
        return _coerce_pair(ind, raw, report)
    if kind == "count" and looks_grouped(raw):
        _report_grouped(raw, report)
        return None
    number, why = _decimal(raw)
    if number is None:
        report(f"expected {kind_text(ind)}, got '{shown(raw)}'" + (f": {why}" if why else ""))
        return None
    return _check_number(ind, number, limits, report)


def _coerce_yesno(raw: Any, report: Callable[..., None]) -> Value:
    if isinstance(raw, bool):
        return raw
    text = nfc(str(raw).strip().lower())
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    report(f"expected yes or no, got '{shown(raw)}'", "write yes/no (or có/không)")
    return None


PAIR_DECIMALS_HINT = "declare a 'range' for the indicator in the ruleset if its parts may have decimals"


def _coerce_pair(ind: m.Indicator, raw: Any, report: Callable[..., None]) -> Value:
    a: Decimal | None
    b: Decimal | None
    parts: tuple[Any, Any]
    if isinstance(raw, (list, tuple)) and len(raw) == 2:  # first: what the CSV and YAML readers give
        parts = (raw[0], raw[1])
    elif isinstance(raw, Pair):
        parts = (raw.a, raw.b)
    elif isinstance(raw, Mapping) and set(raw) == {"a", "b"}:
        parts = (raw["a"], raw["b"])
    elif isinstance(raw, str) and "/" in raw:
        left, _, right = raw.partition("/")
        parts = (left, right)
    elif isinstance(raw, (list, tuple)):  # a YAML list of one or three values ([1250, ] is [1250])
        report(f"a pair has two parts, a and b, not {len(raw)}", "write [a, b], {a: .., b: ..} or 'a/b'")
        return None
    else:
        report(f"expected a pair a/b, got '{shown(raw)}'", "write [a, b], {a: .., b: ..} or 'a/b'")
        return None
    empty = _blank_part(parts)
    if empty:
        report(f"part {empty} of the pair is empty", "write both numbers, a and b (0 where there is none)")
        return None
    if ind.range is None:  # counts
        grouped = next((part for part in parts if looks_grouped(part)), None)
        if grouped is not None:
            _report_grouped(grouped, report)
            return None
    (a, why_a), (b, why_b) = _decimal(parts[0]), _decimal(parts[1])
    if a is None or b is None:
        written = shown(f"{parts[0]}/{parts[1]}")
        report(f"both parts of the pair must be numbers, got '{written}'" + (f": {why_a or why_b}" if why_a or why_b else ""))
        return None
    if a < 0 or b < 0:
        report(f"a pair cannot be negative ({a}/{b})")
        return None
    if ind.range is None and not (is_whole(a) and is_whole(b)):
        report(f"the parts of a pair are counts and must be whole numbers ({a}/{b})", PAIR_DECIMALS_HINT)
        return None
    if a > b and not ind.a_may_exceed_b:
        report(f"a = {a} is greater than b = {b}", "the ruleset does not allow a > b for this indicator; check the figures")
        return None
    if ind.range is not None:
        low, high = ind.range
        for part, value in (("a", a), ("b", b)):
            if not low <= value <= high:
                report(f"{part} = {value} is outside {low}..{high}")
                return None
    return Pair(a, b)


GROUPED_PATTERN = r"\s*[1-9][0-9]{0,2}\.[0-9]{3}\s*"
"""A count written with a point before exactly three digits (``looks_grouped``); the SQL engine matches it too."""
_GROUPED = re.compile(GROUPED_PATTERN)


def looks_grouped(raw: Any) -> bool:
    """Whether ``raw`` is text a count cannot be read from safely: a point before exactly three digits (``1.000``,
    ``12.500``) is the Vietnamese thousands separator as often as a decimal point."""
    return type(raw) is str and _GROUPED.fullmatch(raw) is not None


def grouped_problem(raw: str) -> tuple[str, str]:
    """The message and hint for a count written like ``1.000`` (``looks_grouped``); the SQL engine says the same."""
    text = raw.strip()
    return (f"'{text}' may be read two ways: a count is written without a point",
            f"write {text.replace('.', '')} if the point separates thousands, or {format(Decimal(text).normalize(), 'f')} "
            "if it is a decimal point")


def _report_grouped(raw: str, report: Callable[..., None]) -> None:
    report(*grouped_problem(raw))


def _blank_part(parts: Sequence[Any]) -> str | None:
    """Which of a pair's two parts, 'a' or 'b', is left blank (nothing, or spaces only), or None."""
    for part, value in zip("ab", parts):
        if value is None or (isinstance(value, str) and not value.strip()):
            return part
    return None


def _check_number(ind: m.Indicator, number: Decimal, limits: Mapping[str, Decimal],
                  report: Callable[..., None]) -> Value:
    if ind.kind == "count" and not is_whole(number):
        report(f"expected a whole number, got {number}")
        return None
    if ind.kind in ("count", "percent", "score") and number < 0:
        report(f"cannot be negative ({number})")
        return None
    if ind.kind == "percent" and number > 100:
        report(f"a percentage cannot exceed 100 ({number})")
        return None
    if ind.kind == "score" and ind.name in limits and number > limits[ind.name]:
        report(f"{number} points is above the criterion's maximum {limits[ind.name]}",
               f"an assessed score must lie in 0..{limits[ind.name]}")
        return None
    if ind.range is not None:
        low, high = ind.range
        if not low <= number <= high:
            report(f"{number} is outside the declared range {low}..{high}")
            return None
    return number

