"""YAML data files read unit by unit (``data.yaml_units.yaml_assessments``): the same assessments and the same
errors, at the same places, as reading the file whole; the first units before the rest of a large file is
read; the nesting check before libyaml sees any block of text."""

from __future__ import annotations

from pathlib import Path

import pytest

from cqdt_rules.data import readers, yaml_units
from cqdt_rules.data.readers import load_assessments, stream_assessments
from cqdt_rules.data.yaml_units import yaml_assessments
from cqdt_rules.data.yamlfile import MAX_NESTING, YamlEvents
from cqdt_rules.errors import DataError, Diagnostic
from cqdt_rules.model import text as text_module
from cqdt_rules.model.units import Assessment
from cqdt_rules.model.text import read_data_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in ROOT.joinpath("examples").rglob("*.yaml")
                  if any(line.startswith("units:") for line in p.read_text(encoding="utf-8").splitlines()))
HEADER = "# a province's audit\nyear: 2022\nsource: audit\ntier: xa\nunits:\n"


def unit(n: int) -> str:
    return (f'  - code: "{n:05d}"\n    name: "Xã {n}"\n    parent: "622"\n    values:\n'
            f"      may_tinh: [{n % 9}, 9]\n      internet_cap_quang: yes\n"
            f'    evidence:\n      internet_cap_quang: ["QĐ {n}/QĐ-UBND"]\n')


def whole(path: Path) -> tuple[Assessment, ...]:
    """The file read as before: composed whole, then its assessments."""
    return yaml_units._from_yaml(read_data_text(path), str(path))


def same(found: tuple[Assessment, ...], expected: tuple[Assessment, ...]) -> bool:
    """The same assessments, with the same positions (which assessments' equality leaves out)."""
    def places(a: Assessment) -> tuple[object, ...]:
        return a.origin, dict(a.value_spans), dict(a.name_spans), dict(a.field_spans)
    return found == expected and [places(a) for a in found] == [places(a) for a in expected]


def diagnostics(read: object, path: Path) -> list[Diagnostic]:
    with pytest.raises(DataError) as caught:
        read(path)  # type: ignore[operator]
    return caught.value.diagnostics


def test_there_are_bundled_examples_to_compare() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_bundled_example_read_unit_by_unit_is_what_reading_it_whole_gives(path: Path) -> None:
    assert yaml_units._units_come_last(path, None)  # read unit by unit, not by the whole-file fallback
    assert same(load_assessments(path), whole(path))
    problems: list[Diagnostic] = []
    assert same(tuple(stream_assessments([path], problems)), whole(path)) and not problems


def test_a_large_file_gives_its_first_units_before_the_rest_is_read_then_the_error_at_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "BLOCK_BYTES", 4096)
    path = tmp_path / "large.yaml"
    units = "".join(unit(n) for n in range(400))
    path.write_text(HEADER + units + '  - code: "99999\n    name: x\n', encoding="utf-8")
    read: list[int] = []
    problems: list[Diagnostic] = []
    found = yaml_assessments(path, problems, read=read.append)
    first = next(found)
    assert first.code == "00000" and first.year == 2022 and first.tier == "xa"
    assert sum(read) < path.stat().st_size / 4
    rest = []
    with pytest.raises(DataError) as caught:
        rest.extend(found)
    assert [a.code for a in rest] == [f"{n:05d}" for n in range(1, 400)] and not problems
    error_line = HEADER.count("\n") + units.count("\n") + 1
    assert caught.value.diagnostics == diagnostics(whole, path)
    span = caught.value.diagnostics[0].span
    assert (span.line, span.column) == (error_line, 11)  # the quote left open, not the end of the file
    assert caught.value.diagnostics[0].message == "a quoted text starts here but its closing quote is missing"


def test_problems_of_later_units_point_at_their_lines_as_the_whole_reader_does(tmp_path: Path) -> None:
    path = tmp_path / "u.yaml"
    bad = unit(7).replace("may_tinh: [7, 9]", "may_tinh: {a: 1}").replace("    parent", "    year: 20x2\n    parent")
    path.write_text(HEADER + unit(1) + bad + unit(8).replace('code: "00008"', "code: [1]"), encoding="utf-8")
    got = diagnostics(load_assessments, path)
    assert got == diagnostics(whole, path) and len(got) == 3
    assert got[0].span.line == HEADER.count("\n") + unit(1).count("\n") + 3  # year: 20x2


@pytest.mark.parametrize("text", [
    HEADER + unit(1) + "    note: &n x\n" + unit(2) + "    name: *n\n",  # an alias
    HEADER + unit(1) + "    note: *missing\n",  # an alias of no anchor
    HEADER + unit(1) + "    note: &n x\n" + unit(2) + "    note: &n y\n",  # an anchor given twice
    HEADER + unit(1) + "---\nunits: []\n",  # a second document
    HEADER + unit(1) + unit(2) + "  misaligned: 1\n",  # not YAML
    HEADER + unit(1) + unit(2).replace("    name:", "    code: again\n    name:"),  # a key given twice
    "year: 20x2\nsource: audit\nnotes: x\nunits:\n" + unit(1),  # a wrong default, an unknown field
    "year: 2022\nunits:\n",  # no list
    "year: 2022\nunits: []\nunits:\n" + unit(1),  # units twice
    "year: 2022\nunits:\n  - just text\n",  # a unit that is no mapping
    HEADER + "  - " + "[" * (MAX_NESTING + 1) + "\n",  # too deep
    HEADER + unit(1) + "  - " + " " * 300 + "x\n",  # indented too deep
], ids=["alias", "undefined alias", "duplicate anchor", "second document", "not YAML", "key twice",
        "defaults", "no list", "units twice", "unit not a mapping", "brackets too deep", "indented too deep"])
def test_errors_read_unit_by_unit_are_those_of_the_whole_reader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "u.yaml"
    path.write_text(text, encoding="utf-8")
    assert diagnostics(load_assessments, path) == diagnostics(whole, path)


def test_a_second_yaml_document_is_named_with_a_hint_at_its_start(tmp_path: Path) -> None:
    path = tmp_path / "u.yaml"
    path.write_text(HEADER + unit(1) + "---\nunits: []\n", encoding="utf-8")
    (only,) = diagnostics(load_assessments, path)
    assert only.message == "the file holds more than one YAML document" and only.hint and "'---'" in only.hint
    assert only.span.line == (HEADER + unit(1)).count("\n") + 1


@pytest.mark.parametrize("text", [
    "units:\n" + unit(1) + "year: 2022\nsource: audit\ntier: xa\n",  # the defaults after the units
    "{year: 2022, source: audit, tier: xa,\nunits:\n [{code: '1', name: x, values: {may_tinh: [1, 2]}}]}\n",
    "  year: 2022\n  source: audit\n  tier: xa\n  units:\n" + unit(1).replace("\n  ", "\n    ").replace("  - ", "    - ", 1),
], ids=["defaults after units", "flow mapping", "indented"])
def test_a_file_laid_out_otherwise_is_read_whole_with_the_same_result(tmp_path: Path, text: str) -> None:
    path = tmp_path / "u.yaml"
    path.write_text(text, encoding="utf-8")
    found = load_assessments(path)
    assert same(found, whole(path)) and found[0].year == 2022 and found[0].tier == "xa"


def test_a_block_nested_too_deep_is_refused_before_libyaml_reads_it() -> None:
    """The check runs on every block handed to libyaml, even one that no first pass saw."""
    events = YamlEvents(["units:\n", "  - " + "[" * 100_000 + "\n"], "u.yaml")
    with pytest.raises(DataError) as caught:
        events.start()  # libyaml reads ahead: the block is checked as libyaml asks for it
        events.next()
        events.node()
        events.node()
    assert caught.value.diagnostics[0].span.line == 2
    assert "nest more than" in caught.value.diagnostics[0].message


def test_a_file_read_unit_by_unit_is_limited_only_by_the_stream_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "u.yaml"
    path.write_text(HEADER + "".join(unit(n) for n in range(50)), encoding="utf-8")
    monkeypatch.setattr(readers, "MAX_DATA_BYTES", 1000)
    with pytest.raises(DataError, match="more than the 1,000"):
        load_assessments(path)
    problems: list[Diagnostic] = []
    assert len(list(stream_assessments([path], problems, limit=10 ** 6))) == 50 and not problems
