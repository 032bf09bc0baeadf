"""The ruleset model's classes share one equality, hash and repr (model/ruleset.py ``Model``) instead of methods
attrs would generate for each: equality compares the fields that take part (never spans, paths or content
hashes), only within one class; equal objects hash alike, so models key dictionaries and caches; each stays frozen."""

from __future__ import annotations

import inspect
import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest

from cqdt_rules.engine import loading
from cqdt_rules.errors import Span
from cqdt_rules.model import amendment as am
from cqdt_rules.model import ruleset as m

ROOT_SPAN = Span("a.cqdt", 1, 1, 1, 5)
OTHER_SPAN = Span("b.cqdt", 9, 2, 9, 7)
MODEL_CLASSES = sorted((c for module in (m, am) for _, c in inspect.getmembers(module, inspect.isclass)
                        if c.__module__ == module.__name__ and attrs.has(c)), key=lambda c: c.__name__)


def test_every_model_class_uses_the_shared_methods() -> None:
    assert len(MODEL_CLASSES) >= 60
    for cls in MODEL_CLASSES:
        assert issubclass(cls, m.Model), cls
        assert (cls.__eq__, cls.__hash__, cls.__repr__) == (m.Model.__eq__, m.Model.__hash__, m.Model.__repr__), cls


def test_spans_take_no_part_in_equality_nor_hash() -> None:
    a = m.Binary("+", m.Number(Decimal("1.0"), ROOT_SPAN), m.IndicatorRef("x", "a", ROOT_SPAN), ROOT_SPAN)
    b = m.Binary("+", m.Number(Decimal("1"), OTHER_SPAN), m.IndicatorRef("x", "a", OTHER_SPAN), OTHER_SPAN)
    assert a == b and hash(a) == hash(b) and not a != b
    assert {a: 1}[b] == 1
    assert m.TotalRef(ROOT_SPAN) == m.TotalRef(OTHER_SPAN)  # no field takes part: all equal
    assert hash(m.TotalRef(ROOT_SPAN)) == hash(m.TotalRef())


def test_any_other_field_makes_a_difference_and_classes_never_compare_equal() -> None:
    assert m.IndicatorRef("x", "a") != m.IndicatorRef("x", "b")
    assert m.IndicatorRef("x") != m.IndicatorRef("y")
    assert m.Number(Decimal(1)) != m.Number(Decimal(2))
    assert m.TotalRef() != m.FullRef() and m.PointsRef("a") != m.ShareRef("a")  # same fields, other class
    assert m.Number(Decimal(1)) != Decimal(1) and m.Number(Decimal(1)).__eq__(Decimal(1)) is NotImplemented
    assert m.Threshold(Decimal(5)) != m.Threshold(Decimal(5), percent=True)


def test_a_ruleset_equals_its_copy_read_from_another_path_and_differs_from_an_edited_one() -> None:
    checked = loading.load("egov_2020", cached=False)
    text = checked.source
    elsewhere = loading.load_text(text, "elsewhere.cqdt", cached=False).ruleset
    assert elsewhere == checked.ruleset and hash(elsewhere) == hash(checked.ruleset)
    assert elsewhere.path != checked.ruleset.path  # the path takes no part
    edited = loading.load_text(text.replace("max 100", "max 100.0", 1), "elsewhere.cqdt", cached=False).ruleset
    assert edited == checked.ruleset  # the same number written otherwise
    tier = checked.ruleset.tiers[0]
    renamed = attrs.evolve(checked.ruleset, tiers=(attrs.evolve(tier, title=tier.title + "!"), *checked.ruleset.tiers[1:]))
    assert renamed != checked.ruleset
    assert pickle.loads(pickle.dumps(checked.ruleset)) == checked.ruleset


def test_pickling_keeps_the_fields_and_not_what_cached_properties_worked_out() -> None:
    """The checked rulesets kept between runs are pickled: a tier's memo (what later stages work out, closures
    among them) and its indexes are made again when used, never read from the file."""
    tier = loading.load("egov_2020", cached=False).ruleset.tiers[0]
    tier.memo["closure"] = lambda: None
    assert tier.depths and tier.node(tier.nodes[0].id) is tier.nodes[0]
    again = pickle.loads(pickle.dumps(tier))
    assert again == tier and again.memo == {} and again.depths == tier.depths
    assert set(again.__getstate__()) == {a.name for a in attrs.fields(m.Tier)}


def test_model_objects_stay_frozen_and_show_their_fields() -> None:
    number = m.Number(Decimal("2.5"), ROOT_SPAN)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        number.value = Decimal(3)  # type: ignore[misc]
    assert repr(number) == "Number(value=Decimal('2.5'))"  # the span is not shown
    call: Any = m.Call("round", (number, m.Number(Decimal(1))))
    assert repr(call) == ("Call(function='round', args=(Number(value=Decimal('2.5')), Number(value=Decimal('1'))), "
                          "mode='half_up')")
