"""Unit data sent as JSON are read with positions, exactly as the same document read as a YAML file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cqdt_rules.data.json_body import MAX_DEPTH, assessments_from_json, compose_json
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.data.yaml_units import assessments_from_node
from cqdt_rules.errors import DataError

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
