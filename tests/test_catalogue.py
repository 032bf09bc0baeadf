"""The Vietnamese catalogue (``cqdt_rules.i18n``) against the messages the package writes: every message it raises,
reports as a problem or gives as a hint, found in the source with ``ast``, is one the catalogue translates; each
entry keeps its placeholders; no English text is given two translations."""

from __future__ import annotations

import ast
import importlib
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cqdt_rules import i18n

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "cqdt_rules"

MESSAGE_ARGUMENT = {"Diagnostic": 1, "Problem": 1}
"""Calls whose message is one argument among others (its position): a diagnostic's, after its place; a service
problem's detail, after its kind (a code that keys the problem's title and type, never shown as prose)."""

MESSAGE_CALLS = {"UsageError", "DataError", "RulesetError", "EvaluationError", "NumberError", "FitError", "NotANumber",
                 "SqlUnsupported", "JsonError", "ArgumentTypeError", "problem", "error", "warn", "_refusing",
                 "_fail", "report", "about"}
"""Calls (errors and the helpers that make problems) whose every text argument is a message for a person."""

MESSAGE_KEYWORDS = {"hint", "message", "problem"}

SAMPLE = "7"
"""What a message's interpolated value stands for: a number, which a template's ``{name}`` and ``{name:n}`` both
read, as the value a person sees would be (a code, a name, a count)."""


def _constants() -> dict[str, str]:
    """The package's module-level texts by name (``SOURCES_HINT = "use 'self' ..."``), for a message given by name;
    a name two modules give different texts is left out."""
    found: dict[str, str | None] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                name, text = node.targets[0].id, node.value.value
                found[name] = text if found.get(name, text) == text else None
    return {name: text for name, text in found.items() if text is not None}


CONSTANTS = _constants()


Way = list[str]
"""One way a message may read, as the texts it may then be: a function's value written into it is taken as
``SAMPLE`` or as nothing (``f"got '{raw}'{why_not(raw)}"``), and the message reads in Vietnamese when one of them
does."""


def _ways(node: ast.expr) -> list[Way] | None:
    """Each way a message's expression may read: one per text of a conditional written into it
    (``{'a' if x else 'b'}``), each of which must translate; None for an expression that is not text written here."""
    if isinstance(node, ast.Name):
        return [[CONSTANTS[node.id]]] if node.id in CONSTANTS else None
    if isinstance(node, ast.Constant):
        return [[node.value]] if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return _joined([_part_ways(value) for value in node.values])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _ways(node.left), _ways(node.right)
        return _joined([left, right]) if left is not None and right is not None else None
    if isinstance(node, ast.IfExp):  # one message or another: each is written
        return [*(_ways(node.body) or []), *(_ways(node.orelse) or [])] or None
    return None


def _part_ways(value: ast.expr) -> list[Way]:
    if isinstance(value, ast.Constant):
        return [[str(value.value)]]
    assert isinstance(value, ast.FormattedValue)
    written = value.value
    if isinstance(written, ast.IfExp) and all(isinstance(branch, ast.Constant) and isinstance(branch.value, str)
                                              for branch in (written.body, written.orelse)):
        return [[written.body.value], [written.orelse.value]]  # type: ignore[attr-defined]
    if value.conversion == ord("r"):
        return [[f"'{SAMPLE}'"]]
    return [[SAMPLE, ""]] if isinstance(written, ast.Call) else [[SAMPLE]]


def _joined(parts: list[list[Way]]) -> list[Way]:
    """The ways of parts written one after the other."""
    ways: list[Way] = [[""]]
    for part in parts:
        ways = [["".join(texts) for texts in itertools.product(way, more)] for way in ways for more in part]
    return ways


def _called(node: ast.Call) -> str:
    function = node.func
    return function.id if isinstance(function, ast.Name) else function.attr if isinstance(function, ast.Attribute) else ""


def _message_nodes(call: ast.Call) -> Iterator[ast.expr]:
    name = _called(call)
    if name in MESSAGE_ARGUMENT and len(call.args) > MESSAGE_ARGUMENT[name]:
        yield call.args[MESSAGE_ARGUMENT[name]]
    if name in MESSAGE_CALLS:
        yield from call.args
    yield from (keyword.value for keyword in call.keywords if keyword.arg in MESSAGE_KEYWORDS)


WRITTEN_AS = {
    ("model/checking.py", " is outside "): ["a = 12 is outside 0..10", "b = 12 is outside 0..10"],
    ("engine/sql/messages.py", "the SQL back end reads numbers"): [
        "expected a number, got '1e5': the SQL back end reads numbers written out, without an exponent",
        "both parts of the pair must be numbers, got '1/2e3': the SQL back end reads numbers written out, without an "
        "exponent"],
    ("engine/sql/messages.py", ", got '"): [
        "expected a number, got '12abc'", "expected a number, got '12abc': not a number written with the digits 0-9",
        "both parts of the pair must be numbers, got '1/x'"],
}
"""Messages whose text comes from a variable the walk cannot follow (a loop's ``part``, a text chosen before), by
their file and a text in them: the texts they write, each checked as a message of its own."""


def messages_written() -> Iterator[tuple[str, Way]]:
    """(where, way) of every way every message the package's source writes for a person may read."""
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for message in _message_nodes(node):
                for way in _ways(message) or []:
                    for found in _as_written(module, way):
                        if any(re.search("[A-Za-z]{2}", text) for text in found):
                            yield f"{module}:{message.lineno}", found


def _as_written(module: str, way: Way) -> list[Way]:
    """``way``, or the texts ``WRITTEN_AS`` gives for it, each a way of its own."""
    for (file, part), texts in WRITTEN_AS.items():
        if file == module and any(part in text for text in way):
            return [[text] for text in texts]
    return [way]


def test_the_package_writes_messages_this_test_finds() -> None:
    """The walk finds the messages of every stage (a change of how messages are made would otherwise pass here)."""
    found = list(messages_written())
    assert len(found) > 500
    stages = {where.split("/")[0] for where, _ in found if "/" in where}
    assert {"language", "model", "data", "engine", "analysis", "reports", "authoring", "service", "cli"} <= stages


def test_every_text_written_as_stands_for_a_message_of_the_package() -> None:
    found = {(where.split(":")[0], part) for where, way in messages_written() for (_, part), texts in WRITTEN_AS.items()
             if way[0] in texts}
    assert found == set(WRITTEN_AS)


def test_every_message_the_package_writes_is_in_the_vietnamese_catalogue() -> None:
    untranslated = [f"{where}: {way[0]}" for where, way in messages_written()
                    if all(i18n.translate(text, "vi") == text for text in way)]
    assert untranslated == [], f"{len(untranslated)} messages have no Vietnamese (add them to cqdt_rules/i18n/vi_*.py)"


ENGLISH_WORDS = {"the", "is", "are", "was", "were", "be", "of", "for", "with", "from", "has", "have", "and", "or", "not",
                 "must", "should", "cannot", "which", "its", "this", "that", "than", "only", "expected", "got", "found",
                 "unknown", "missing", "given", "write", "use", "add", "remove", "unit", "units", "tier", "file", "row",
                 "column"}
"""Words a Vietnamese message has none of (words Vietnamese also spells, such as "to", "an", "in", are not listed)."""

_NOT_PROSE = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|--[\w-]+|\b\w+[_.]\w[\w.]*|\{\w+(?::[nt])?\}")
"""What a message quotes or names as it is (values, syntax, options, files, identifiers): not its prose."""


def english_words(text: str) -> list[str]:
    return sorted({word for word in re.findall(r"[A-Za-z]+", _NOT_PROSE.sub(" ", text)) if word.lower() in ENGLISH_WORDS})


def test_no_message_is_half_translated() -> None:
    """A template whose placeholder takes prose (``expected {what}``) must not carry English into a Vietnamese
    message: the message, or the phrase (``{what:t}``), has its own entry."""
    mixed = []
    for where, way in messages_written():
        shown = [i18n.translate(text, "vi") for text in way]
        translated = [vietnamese for vietnamese, text in zip(shown, way) if vietnamese != text]
        if translated and all(english_words(vietnamese) for vietnamese in translated):
            mixed.append(f"{where}: {translated[0]} {english_words(translated[0])}")
    assert mixed == []


def test_a_half_translated_message_is_found() -> None:
    assert english_words(i18n.translate("expected a header row for the units", "vi")) == ["for", "row", "the", "units"]
    assert english_words("cần 'units:' với danh sách unit_name của `tier` --source") == []


def test_a_message_missing_from_the_catalogue_is_found() -> None:
    assert i18n.translate(f"tier '{SAMPLE}' is shaped like no tier we know", "vi") == \
        f"tier '{SAMPLE}' is shaped like no tier we know"


_PLACEHOLDER = re.compile(r"\{(\w+)(?::[nt])?\}")


@pytest.mark.parametrize("stage", i18n.STAGES)
def test_each_entry_keeps_its_placeholders(stage: str) -> None:
    messages = importlib.import_module(f"cqdt_rules.i18n.{stage}").MESSAGES
    for english, vietnamese in messages.items():
        assert sorted(set(_PLACEHOLDER.findall(vietnamese))) == sorted(set(_PLACEHOLDER.findall(english))), english
        assert vietnamese.strip() and vietnamese != english or not re.search("[a-z]{3}", english), english


def test_no_english_text_has_two_translations() -> None:
    seen: dict[str, str] = {}
    twice = []
    for stage in i18n.STAGES:
        for english in importlib.import_module(f"cqdt_rules.i18n.{stage}").MESSAGES:
            if english in seen:
                twice.append(f"{english!r} in {seen[english]} and {stage}")
            seen[english] = stage
    assert twice == []


def test_what_the_system_says_of_a_file_is_shown_in_the_run_language(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from cqdt_rules.cli.main import main

    (tmp_path / "a-file").write_text("", encoding="utf-8")
    out = str(tmp_path / "a-file" / "report")  # a folder to make under a file
    data = str(PACKAGE.parent.parent / "examples" / "gialai" / "egov-2022-audit.yaml")
    assert main(["report", "egov_2020", data, "--out", out, "--formats", "md"]) == 2
    assert capsys.readouterr().err == f"cqdt: lỗi: không phải là thư mục: {out}\n"
    assert main(["report", "egov_2020", data, "--out", out, "--formats", "md", "--lang", "en"]) == 2
    assert capsys.readouterr().err == f"cqdt: error: Not a directory: {out}\n"


def test_the_vietnamese_calls_an_indicator_chi_so_throughout() -> None:
    """One word for one thing: the messages, tables and forms call an indicator "chỉ số" (a criterion is "tiêu
    chí"), never "chỉ tiêu" in some places and "chỉ số" in others."""
    found = [f"{path.relative_to(PACKAGE)}:{number}" for path in sorted(PACKAGE.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "chỉ tiêu" in line.lower()]
    assert found == []
