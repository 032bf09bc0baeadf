"""Unit data sent as JSON are read with positions, exactly as the same document read as a YAML file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cqdt_rules.data import json_body
from cqdt_rules.data.json_body import MAX_DEPTH, assessments_from_json, compose_json, plain_document
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.data.yaml_units import assessments_from_node, assessments_from_plain
from cqdt_rules.errors import DataError
from cqdt_rules.model.units import Assessment

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "gialai" / "egov-2022-audit.yaml"


def _marks(node: yaml.Node) -> list[tuple[str, int, int, int, int]]:
    """Every node's kind and start and end positions, depth first."""
    found = [(type(node).__name__, node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)]
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _marks(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found += _marks(key) + _marks(value)
    return found


def _sample_json(indent: int | str | None = 1) -> str:
    return json.dumps(yaml.load(SAMPLE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader), ensure_ascii=False,
                      indent=indent)


def test_json_reads_like_the_same_text_read_as_yaml(tmp_path: Path) -> None:
    text = _sample_json()
    assert _marks(compose_json(text, "x")) == _marks(yaml.compose(text, Loader=yaml.CSafeLoader))
    copy = tmp_path / "sample.yaml"
    copy.write_text(text, encoding="utf-8")
    from_json = assessments_from_node(compose_json(text, str(copy)), str(copy))
    from_yaml = load_assessments(copy)
    assert from_json == from_yaml
    assert [a.value_spans for a in from_json] == [a.value_spans for a in from_yaml]
    assert len(from_json) == 257


def test_the_quick_reading_gives_the_same_assessments_without_positions() -> None:
    text = _sample_json(indent=None)
    quick = assessments_from_json(text)
    assert quick == assessments_from_node(compose_json(text), "<request>")
    assert {str(span) for a in quick for span in a.value_spans.values()} == {"<request>:1:1"}


def test_json_that_yaml_cannot_read_is_read() -> None:
    """Tabs between tokens (Go's MarshalIndent), a long key, and an escaped surrogate pair."""
    units = assessments_from_json(_sample_json(indent="\t"))
    assert len(units) == 257
    long_key = "k" * 2000
    text = json.dumps({"units": [{"code": "1", "name": "Xã \U0001F600", "tier": "xa", "year": 2023, "source": "self",
                                  "values": {long_key: 1}}]})
    assert "\\ud83d\\ude00" in text
    (unit,) = assessments_from_json(text)
    assert unit.name == "Xã \U0001F600" and unit.values == {long_key: "1"}


def test_scalars_keep_their_text_and_json_null_is_missing() -> None:
    (unit,) = assessments_from_json('{"units": [{"code": 7, "name": "A", "tier": "xa", "year": 2023, "source": "self", '
                                    '"values": {"x": 0.1000000000000000055511, "y": true, "z": null, "w": "null", '
                                    '"p": [1, 2], "q": {"a": 1, "b": 2}}}]}')
    assert unit.code == "7"
    assert unit.values == {"x": "0.1000000000000000055511", "y": "true", "z": None, "w": "null", "p": ["1", "2"],
                           "q": {"a": "1", "b": "2"}}


@pytest.mark.parametrize(("text", "where", "message"), [
    ('{"units": [1,]}', "<request>:1:14", "not valid JSON: unexpected character ']'"),
    ('{"units": [\n  {"code": 1}\n  {"code": 2}]}', "<request>:3:3", "not valid JSON: expected ',' or ']', found '{'"),
    ('{"units": []} x', "<request>:1:15", "not valid JSON: extra text after the JSON document"),
    ('{units: []}', "<request>:1:2", "not valid JSON: expected a name in double quotes"),
    ('{"a": "\\ud800"}', "<request>:1:7", "not valid JSON: a \\u escape names half of a surrogate pair, not a character"),
    ('{"a": "x\ty"}', "<request>:1:9", "not valid JSON: invalid control character at"),
    ('{"a": NaN}', "<request>:1:7", "not valid JSON: unexpected character 'N'"),
    ("[" * (MAX_DEPTH + 1), f"<request>:1:{MAX_DEPTH + 1}", f"not valid JSON: nested more than {MAX_DEPTH} levels deep"),
    ("", "<request>:1:1", "not valid JSON: the document ends where a value was expected"),
])
def test_syntax_errors_point_at_the_place(text: str, where: str, message: str) -> None:
    with pytest.raises(DataError) as caught:
        compose_json(text, "<request>")
    (diagnostic,) = caught.value.diagnostics
    assert str(diagnostic.span) == where
    assert diagnostic.message.startswith(message)


def test_a_very_deep_document_is_refused_without_recursion() -> None:
    with pytest.raises(DataError, match="nested more than"):
        compose_json("[" * 100_000 + "]" * 100_000)


def test_data_errors_point_into_the_json() -> None:
    text = '{"units": [{"code": "1", "name": "A", "tier": "xa", "year": "hai", "source": "self", "ghi_chu": 1}]}'
    with pytest.raises(DataError) as caught:
        assessments_from_json(text)
    year, field = text.index('"hai"') + 1, text.index('"ghi_chu"') + 1
    assert [f"{d.span}: {d.message}" for d in caught.value.diagnostics] == [
        f"<request>:1:{year}: expected a year of four digits, got 'hai'", f"<request>:1:{field}: unknown unit field 'ghi_chu'"]


def test_a_list_or_mapping_where_one_value_belongs_is_an_error() -> None:
    """Read as a YAML file reads it, but never a silent default: a wrong file-wide year is refused even
    where every unit gives its own, and evidence that is not a reference is refused, not dropped."""
    text = ('{"year": 2022.5, "source": ["self"], "units": [{"code": {"a": 1}, "name": "A", "tier": "xa", "year": 2023, '
            '"source": "self", "evidence": {"x": {"b": 1}, "y": ["QĐ 1", [2]]}}]}')
    with pytest.raises(DataError) as caught:
        assessments_from_json(text)
    assert [(d.span.column, d.message) for d in caught.value.diagnostics] == [
        (text.index("2022.5") + 1, "expected a year of four digits, got '2022.5'"),
        (text.index('["self"]') + 1, "expected one value for 'source', got a list"),
        (text.index('{"code"') + 1, "unit is missing code"),
        (text.index('{"a": 1}') + 1, "expected one value for 'code', got a mapping"),
    ]
    text = text.replace('{"a": 1}', '"1"').replace("2022.5", "2022").replace('["self"]', '"self"')
    with pytest.raises(DataError) as caught:
        assessments_from_json(text)
    assert [(d.span.column, d.message) for d in caught.value.diagnostics] == [
        (text.index('{"b": 1}') + 1, "evidence for 'x' is a reference or a list of references"),
        (text.index("[2]") + 1, "evidence for 'y' is a reference or a list of references"),
    ]


# ---------------------------------------------------------------- a plain body read straight from its values
def _typed(value: object) -> object:
    """A value with the exact type of every part (a text of a ``str`` subclass is not a plain text)."""
    if isinstance(value, list):
        return ["list", [_typed(v) for v in value]]
    if isinstance(value, dict):
        return ["dict", [(_typed(k), _typed(v)) for k, v in value.items()]]
    return [type(value).__name__, value]


def _read(units: tuple[Assessment, ...]) -> list[object]:
    """Everything the two readings give of each unit, positions and the types of values included."""
    return [(type(a).__name__, a, _typed(dict(a.values)), _typed(dict(a.evidence)), str(a.origin),
             [[(name, str(span)) for name, span in spans.items()] for spans in (a.value_spans, a.name_spans, a.field_spans)])
            for a in units]


def _careful(text: str) -> tuple[Assessment, ...] | None:
    """The units of ``text`` read from its nodes without positions, or None when that reading reports a problem."""
    try:
        return assessments_from_node(compose_json(text, "<request>", positions=False), "<request>")
    except DataError:
        return None


def test_a_plain_body_is_read_straight_from_its_values(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _sample_json(indent=None)
    quick = assessments_from_plain(plain_document(text), "<request>")
    assert quick is not None and len(quick) == 257
    assert _read(quick) == _read(_careful(text))  # type: ignore[arg-type]

    def no_nodes(*args: object, **kwargs: object) -> None:
        raise AssertionError("a plain body was composed into nodes")

    monkeypatch.setattr(json_body, "compose_json", no_nodes)
    assert _read(assessments_from_json(text)) == _read(quick)


def test_a_body_the_nodes_would_report_is_not_read_straight() -> None:
    unit = '{"code": "1", "name": "A", "tier": "xa", "year": 2023, "source": "self"}'
    for text in ('{"units": [%s], "units": []}' % unit, '{"units": [%s]}' % unit.replace('"name"', '"code": 2, "name"'),
                 '{"units": [%s]}' % unit.replace('"name"', '"values": {"x": 1, "x": 2}, "name"')):
        assert assessments_from_plain(plain_document(text), "<request>") is None
        with pytest.raises(DataError, match="given twice"):
            assessments_from_json(text)
    assert assessments_from_plain(plain_document('{"units": [%s]}' % unit), "<request>") is not None


def test_a_body_read_straight_keeps_what_its_nodes_keep() -> None:
    """Names and evidence in NFC, values as written, numbers as their text, true and false as words, null as none."""
    text = json.dumps({"year": 2023, "source": "self", "tier": "xa", "note": "n", "units": [
        {"code": 7, "name": "Xa\u0303 A", "parent": "", "values": {"x": 1.50, "y": True, "z": None, "p": [1, "2"], "q": {"a": False}},
         "evidence": {"x": ["Xa\u0303 QĐ 1", "", None], "y": "", "w": 3}, "note": None}]}, ensure_ascii=False)
    quick = assessments_from_plain(plain_document(text), "<request>")
    assert quick is not None and _read(quick) == _read(_careful(text))  # type: ignore[arg-type]
    (unit,) = quick
    assert (unit.code, unit.name, unit.parent, unit.evidence) == ("7", "Xã A", None, {"x": ("Xã QĐ 1",), "w": ("3",)})
    assert unit.values == {"x": "1.5", "y": "true", "z": None, "p": ["1", "2"], "q": {"a": "false"}}


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 2030), st.floats(allow_nan=False, allow_infinity=False),
                     st.sampled_from(["yes", "no", "", "null", "~", "2023", " 2022 ", "20x2", "self", "Xa\u0303 A",
                                      "QĐ 1/QĐ-UBND"]), st.text(max_size=4))
_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3), st.dictionaries(st.sampled_from(["a", "b"]), _SCALARS),
                    st.lists(st.lists(_SCALARS, max_size=1), min_size=1, max_size=1))
_NAMES = st.sampled_from(["x", "y", "p.q", "ke_hoach", "code"])
_PLAIN_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, min_size=2, max_size=2))
_UNIT = st.fixed_dictionaries(
    {"code": st.one_of(st.sampled_from(["1", "23974", "SO13"]), st.integers(1, 99_999)),
     "name": st.sampled_from(["Xã A", "Xa\u0303 B", "Phường 1"]), "values": st.dictionaries(_NAMES, _PLAIN_VALUES, max_size=4)},
    optional={"tier": st.just("xa"), "year": st.sampled_from([2022, "2023", " 2021 "]), "source": st.sampled_from(["self", "audit"]),
              "parent": st.one_of(st.none(), st.sampled_from(["", "622"]), st.integers(1, 999)), "note": _SCALARS,
              "evidence": st.dictionaries(_NAMES, st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3)), max_size=3)})
_UNIT_FIELDS = ("code", "name", "tier", "parent", "year", "source", "note", "values", "evidence", "ghi_chu")
_DOCUMENT = st.fixed_dictionaries(
    {"units": st.lists(st.builds(lambda unit, odd: {**unit, **odd}, _UNIT,
                                 st.dictionaries(st.sampled_from(_UNIT_FIELDS), _VALUES, max_size=1) | st.just({})),
                       max_size=3),
     "year": st.sampled_from([2022, "2023"]), "source": st.sampled_from(["self", "audit"]), "tier": st.just("xa")},
    optional={"note": _SCALARS, "ruleset": _SCALARS})
_ODD_DOCUMENT = st.builds(lambda document, odd: {**document, **odd}, _DOCUMENT,
                          st.dictionaries(st.sampled_from(["year", "source", "tier", "note", "units", "units_"]), _VALUES,
                                          max_size=1) | st.just({}))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ODD_DOCUMENT, st.booleans())
def test_a_document_read_straight_reads_as_its_nodes(document: dict[str, object], ascii_only: bool) -> None:
    """Whatever the document, read straight it gives what its nodes give, or nothing (then its nodes are read):
    never other units, and never units where the nodes report a problem."""
    text = json.dumps(document, ensure_ascii=ascii_only)
    quick, careful = assessments_from_plain(plain_document(text), "<request>"), _careful(text)
    if quick is not None:
        assert careful is not None and _read(quick) == _read(careful)
