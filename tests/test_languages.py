"""One language per run: every command, and every error case of the goldens, in Vietnamese and in English,
holds no words of the other language. Text the ruleset or the data bring (titles, labels, unit names, notes,
paths, identifiers, an input quoted in the ruleset language) is taken out first: it is shown as written (see
docs/language.md, "Titles and labels in two languages"); what is checked is the program's own text."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import socket
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pytest
import yaml

from cqdt_rules import api
from cqdt_rules.cli.commands import all_commands
from cqdt_rules.cli.help_vi import HELP_VI
from cqdt_rules.cli.main import build_parser, main
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.errors import DataError, RulesetError
from cqdt_rules.language.formatter import input_text
from cqdt_rules.model import ruleset as m

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "examples/gialai/"
GOLDEN = ROOT / "tests" / "golden"

# Common words of the program's messages in each language: none may appear in output of the other.
ENGLISH = ["error", "errors", "hint", "warning", "unit", "units", "total", "rank", "read", "why", "flags",
           "provenance", "wrote", "against", "tier", "level", "points", "missing", "expected", "the", "and", "of",
           "not", "with", "district", "ruleset", "file", "files", "criteria", "criterion", "change", "year",
           "assessed", "audited", "passed", "failed", "coverage", "would", "reformatted", "valid", "nodes",
           "report", "chart", "charts", "audit", "self", "unknown", "value", "did you mean", "given", "twice"]
VIETNAMESE = ["lỗi", "gợi ý", "đơn vị", "điểm", "hạng", "khối", "huyện", "năm", "tổng", "thẩm định", "tự đánh giá",
              "không", "của", "và", "trong", "được", "đã ghi", "so với", "tiêu chí", "mức", "tệp", "báo cáo",
              "cảnh báo", "hợp lệ", "có phải", "giá trị"]
OTHER = {"vi": ENGLISH, "en": VIETNAMESE}

# One run of each command on the bundled sample. The language option is added for each run.
COMMANDS: dict[str, list[str]] = {
    "check": ["check", "egov_2020"],
    "score": ["score", "egov_2020", SAMPLE + "egov-2022-audit.yaml"],
    "explain": ["explain", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--unit", "SO13"],
    "summary": ["summary", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--previous", SAMPLE + "egov-2021-audit.yaml"],
    "compare": ["compare", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--previous", SAMPLE + "egov-2021-audit.yaml",
                "--tier", "so"],
    "transition": ["transition", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "dti_2023", SAMPLE + "dti-2023-audit.yaml"],
    "audit": ["audit", "egov_2020", SAMPLE + "egov-2022-self.yaml", SAMPLE + "egov-2022-audit.yaml"],
    "gaps": ["gaps", "egov_2020", SAMPLE + "egov-2022-audit.yaml"],
    "crosscheck": ["crosscheck", "egov_2020", SAMPLE + "egov-2022-self.yaml"],
    "shortfalls": ["shortfalls", "egov_2020", SAMPLE + "egov-2022-audit.yaml"],
    "versions": ["versions", "examples/versions"],
    "template": ["template", "egov_2020", "--tier", "xa", "--out", "{tmp}/form.xlsx"],
    "report": ["report", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--out", "{tmp}/report", "--formats", "md"],
    "fmt": ["fmt", "--check", "rulesets/2020/egov.cqdt"],
    "test": ["test", "egov_2020", "-q"],
    "diff": ["diff", "egov_2020", "examples/amendment/egov-2022-hypothetical.cqdt"],
    "render": ["render", "egov_2020", "--format", "md"],
    "sensitivity": ["sensitivity", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--runs", "40", "--seed", "1",
                    "--tier", "so", "--top", "5", "--indices", "8", "--values", "5%"],
    "sql": ["sql", "egov_2020", "--dialect", "duckdb", "--tier", "xa", "--explain"],
}
# `serve` runs until it is stopped: its start-up line is read from a real server below
# (test_serve_starts_in_one_language).
NOT_RUN_HERE = {"serve"}


def _ruleset_texts(ruleset: m.Ruleset) -> Iterable[str | None]:
    header = ruleset.header
    yield from (header.title, getattr(header, "title_en", None), getattr(header, "legal_source", None),
                getattr(header, "note", None), header.version)
    for tier in ruleset.tiers:
        yield from (tier.title, tier.title_en)
        for node in tier.walk():
            yield from (node.title, node.title_en, node.note, node.provenance.text if node.provenance else None)
            for indicator in node.inputs:
                yield from (indicator.label, getattr(indicator, "unit", None), getattr(indicator, "evidence", None))
                # `cqdt diff` quotes an input as the ruleset language writes it (pair "label" unit "..." evidence "...")
                yield input_text(indicator).removeprefix(f"input {indicator.name} ")
                for category in indicator.categories or ():
                    yield from (category.name, getattr(category, "label", None))
        for scale in tier.levels:
            yield from [scale.label, scale.below] + [level.label for level in scale.levels]
        yield from (ranking.label for ranking in tier.rankings)
        yield from (output.label for output in tier.outputs)
    for statistic in getattr(ruleset, "statistics", ()):  # section II figures: the ruleset words them (Vietnamese only)
        yield from (statistic.label, statistic.heading, statistic.text, statistic.unit)


def _data_texts() -> list[str]:
    """Text the rulesets and data bring, longest first (taken out before the words are looked for)."""
    found: set[str | None] = set()
    for ruleset in ("egov_2020", "dti_2023", ROOT / "examples/amendment/egov-2022-hypothetical.cqdt"):
        found.update(_ruleset_texts(api.load_ruleset(ruleset)))
    for path in (ROOT / "examples" / "gialai").glob("*.yaml"):
        for assessment in load_assessments(path):
            found.update((assessment.name, assessment.note))
    for version in (ROOT / "examples" / "versions").glob("*/*.yaml"):
        found.update(_strings(yaml.safe_load(version.read_text(encoding="utf-8"))))
    texts = {t for t in found if isinstance(t, str) and t.strip()}
    # a label may begin a sentence or sit inside one ("Share số CBCCVC ...": the label "Số CBCCVC ...")
    texts |= {t[0].lower() + t[1:] for t in texts} | {t[0].upper() + t[1:] for t in texts}
    return sorted(texts, key=len, reverse=True)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.fixture(scope="module")
def data_texts() -> list[str]:
    return _data_texts()


def other_language_words(text: str, lang: str, data_texts: list[str], words: Sequence[str] | None = None) -> list[str]:
    """The common ``words`` (by default ``OTHER[lang]``) of the other language that ``text`` holds."""
    for known in data_texts:
        text = text.replace(known, " ")
    # paths, identifiers (so_cuoc_hop, egov_2020), quoted names and options are names, not language
    text = re.sub(r"\S*[/_\\]\S*|'[^']*'|\"[^\"]*\"|--[\w-]+|\S+\.(?:yaml|csv|cqdt|xlsx|md|html)\b", " ", text)
    # the ruleset language's own words: function calls, and the list of functions a hint names
    text = re.sub(r"\w+\([^)]*\)|(?<=: )(?:sum, mean\b.*)$", " ", text, flags=re.M)
    return sorted({w for w in words or OTHER[lang] if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.I)})


def run(args: list[str], lang: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([args[0], "--lang", lang, *args[1:]])
        except SystemExit:
            pass
    return out.getvalue() + "\n" + err.getvalue()


def test_every_command_is_run_in_both_languages() -> None:
    assert set(COMMANDS) | NOT_RUN_HERE == {spec.name for spec in all_commands()}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_speaks_one_language(command: str, lang: str, tmp_path: Path, data_texts: list[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[command]]
    output = run(args, lang)
    assert output.strip()
    assert other_language_words(_what_a_person_reads(command, output), lang, data_texts) == [], output[:3000]


PARSED_ONLY = {"serve": ["serve", "--ruleset", "egov_2020"]}


@pytest.mark.parametrize("command", sorted({**COMMANDS, **PARSED_ONLY}))
def test_lang_is_taken_before_the_command_as_after_it(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``cqdt --lang en check ...`` as ``cqdt check ... --lang en``, for every command; named on both sides, the one
    after the command counts; not named, ``CQDT_LANG`` or Vietnamese."""
    args = {**COMMANDS, **PARSED_ONLY}[command]
    monkeypatch.delenv("CQDT_LANG", raising=False)

    def parsed(*words: str) -> str:
        lang: str = build_parser(command).parse_args(list(words)).lang
        return lang

    for lang in ("vi", "en"):
        assert parsed("--lang", lang, *args) == lang
        assert parsed(f"--lang={lang}", *args) == lang
        assert parsed(*args, "--lang", lang) == lang
    assert parsed("--lang", "vi", *args, "--lang", "en") == "en"
    assert parsed("--lang", "en", *args, "--lang", "vi") == "vi"
    assert parsed(*args) == "vi"
    monkeypatch.setenv("CQDT_LANG", "en")
    assert parsed(*args) == "en"
    assert parsed("--lang", "vi", *args) == "vi"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_command_run_with_lang_before_it_speaks_that_language(lang: str, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The words are read before they are parsed too (which command, the language of usage errors): ``--lang en``
    before the command is not taken for the command."""
    monkeypatch.delenv("CQDT_LANG", raising=False)
    assert main(["--lang", lang, "check", str(GOLDEN / "bad" / "unknown_function.cqdt")]) == 1
    said = capsys.readouterr().err
    assert said.rstrip().endswith({"vi": "1 lỗi trong bộ tiêu chí", "en": "1 error in ruleset input"}[lang]), said
    with pytest.raises(SystemExit) as usage:
        main(["--lang", lang, "check"])
    assert usage.value.code == 2
    said = capsys.readouterr().err
    assert said.startswith({"vi": "cách dùng: cqdt check", "en": "usage: cqdt check"}[lang]), said
    assert {"vi": "cqdt: lỗi: thiếu các đối số bắt buộc: ruleset",
            "en": "cqdt: error: the following arguments are required: ruleset"}[lang] in said, said


def _what_a_person_reads(command: str, output: str) -> str:
    """All of it, but for `cqdt sql`: the SQL it prints is code in neither language, its comments are checked; and
    for `cqdt render`: its Markdown as it reads, the escapes of the ruleset's texts ('QLVB&amp;ĐH') removed."""
    if command == "render":
        return re.sub(r"\\(.)", r"\1", output).replace("&amp;", "&")
    if command != "sql":
        return output
    return "\n".join(re.findall(r"--[^\n]*|/\*.*?\*/", output, re.S))


def _error_cases() -> list[tuple[str, list[str]]]:
    cases = [(f"bad/{p.stem}", ["check", str(p.relative_to(ROOT))]) for p in sorted((GOLDEN / "bad").glob("*.cqdt"))]
    for folder in sorted(p for p in (GOLDEN / "bad_data").iterdir() if p.is_dir()):
        data = next(p for p in (folder / "units.yaml", folder / "units.csv") if p.is_file())
        cases.append((f"bad_data/{folder.name}", ["score", str((folder / "ruleset.cqdt").relative_to(ROOT)),
                                                   str(data.relative_to(ROOT))]))
    return cases


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("case", "args"), _error_cases(), ids=[c for c, _ in _error_cases()])
def test_every_golden_error_speaks_one_language(case: str, args: list[str], lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    texts = [str(t) for path in args[1:] if path.endswith(".cqdt") for t in _ruleset_texts(_parsed(path)) if t]
    output = run(args, lang)
    first = output.strip().splitlines()[0]
    said = (": lỗi: ", ": cảnh báo: ") if lang == "vi" else (": error: ", ": warning: ")
    assert any(word in first for word in said), output
    lines = output.splitlines()
    carets = {i for i, line in enumerate(lines) if line.strip() and set(line.strip()) == {"^"}}
    shown = "\n".join(line for i, line in enumerate(lines) if i not in carets and i + 1 not in carets)  # not the file's lines
    assert other_language_words(shown, lang, sorted(texts, key=len, reverse=True)) == [], output


def _parsed(path: str) -> m.Ruleset:
    """The ruleset's own text (titles, labels) to take out; an empty ruleset when the file does not parse."""
    from cqdt_rules.language.parser import parse_source

    try:
        parsed = parse_source((ROOT / path).read_text(encoding="utf-8"), path)
    except RulesetError:
        return m.Ruleset(m.Header(id="unparsed", title=""), ())
    return parsed if isinstance(parsed, m.Ruleset) else m.Ruleset(m.Header(id="amendment", title=""), ())


def test_errors_raised_by_the_api_render_in_either_language() -> None:
    with pytest.raises(RulesetError) as raised:
        api.load(GOLDEN / "bad" / "several_errors.cqdt")
    assert "error: duplicate id 'A1' in tier 'xa'" in raised.value.render()
    assert "lỗi: mã 'A1' bị trùng trong khối 'xa'" in raised.value.render("vi")
    folder = GOLDEN / "bad_data" / "pair_a_exceeds_b"
    with pytest.raises(DataError) as failed:
        api.score(api.load(folder / "ruleset.cqdt"), load_assessments(folder / "units.yaml"))
    assert "a = 14 is greater than b = 12" in failed.value.render()
    assert "a = 14 lớn hơn b = 12" in failed.value.render("vi")


# Usage errors of the commands whose options are checked before any work: said in the language chosen.
USAGE_ERRORS: list[list[str]] = [
    ["sql", "egov_2020", "--dialect", "duckdb", "--tier", "zz"],
    ["render", "egov_2020", "--tier", "zz"],
    ["render", "egov_2020", "--format", "docx"],
    ["sensitivity", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--spread", "x"],
    ["sensitivity", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--group", "B=2..1"],
    ["sensitivity", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--runs", "0"],
    ["sensitivity", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--values", "150%"],
    ["sensitivity", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--value", "=2"],
    ["sensitivity", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--value", "khong_co=5%"],
    ["sensitivity", "egov_2020", SAMPLE + "egov-2022-audit.yaml", "--value", "internet_cap_quang=5%"],
    ["diff", "egov_2020", "examples/no-such-ruleset.cqdt"],
    ["serve", "--workers", "0"],
    ["serve", "--cohort", "dti_2023"],
    ["serve", "--cohort", "egov_2021=x.yaml"],
]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("args", USAGE_ERRORS, ids=[" ".join(a[:1] + a[-2:]) for a in USAGE_ERRORS])
def test_usage_errors_speak_one_language(args: list[str], lang: str, data_texts: list[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    output = run(args, lang).strip()
    assert output.startswith("cqdt: lỗi: " if lang == "vi" else "cqdt: error: "), output
    assert other_language_words(output, lang, data_texts) == [], output


@pytest.mark.parametrize(("lang", "said"), [("vi", "mặc định trả lời bằng tiếng Việt"), ("en", "answering in English")])
def test_serve_starts_in_one_language(lang: str, said: str, data_texts: list[str]) -> None:
    """The line a real `cqdt serve` prints when it starts (it then runs until stopped)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "cqdt_rules", "serve", "--ruleset", "egov_2020", "--port", str(port),
                               "--lang", lang], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert line.startswith("cqdt serve: ") and said in line, line
    assert other_language_words(line, lang, data_texts) == [], line


@pytest.mark.parametrize("ruleset", ["egov_2020", "dti_2023"])
def test_every_shipped_title_has_an_english_form(ruleset: str) -> None:
    """English output names every tier, group and criterion of a shipped ruleset in English (docs/language.md)."""
    loaded = api.load_ruleset(ruleset)
    assert loaded.header.title_en
    missing = [f"{tier.id}/{node.id}" for tier in loaded.tiers for node in (tier, *tier.walk()) if not node.title_en]
    assert missing == []


# ---------------------------------------------------------------- the help of cqdt and of every command
# The common words, and those of argparse's headings and of the helps (the other language's words may not appear)
HELP_OTHER = {"vi": ENGLISH + ["usage", "options", "positional", "arguments", "show", "message", "exit", "default", "only",
                               "this", "for", "or"],
              "en": VIETNAMESE + ["cách dùng", "tùy chọn", "đối số", "mặc định", "thoát", "hoặc", "chỉ", "cho"]}
HELP_RUNS = {"--lang vi": (["--lang", "vi"], None, "vi"), "--lang en": (["--lang", "en"], None, "en"),
             "CQDT_LANG=en": ([], "en", "en"), "by default": ([], None, "vi")}
_ARGUMENT_COLUMN = re.compile(r"^ {2,4}\S.*?(?: {2,}|$)")  # an argument line's invocation (help lines are indented more)
_METAVAR = re.compile(r"(?<![\w-])[A-Z][A-Z0-9_]+(?![\w-])")
_QUOTED = re.compile(r"(?<!\w)'[^']*'(?!\w)")  # a quoted name or value; not from one possessive to the next


def _help_prose(text: str) -> str:
    """What a help says in words. The usage line and the argument column hold names, not language (options,
    metavars such as DATA or YEAR, choices, positional arguments, commands): only the usage's prefix is kept.
    Quoted text is taken out here, then the apostrophes left (English possessives), which are not quotes."""
    usage, _, rest = text.partition("\n\n")
    prose = "\n".join(_ARGUMENT_COLUMN.sub("", line) for line in rest.splitlines())
    return usage.partition(": ")[0] + "\n" + _METAVAR.sub(" ", _QUOTED.sub(" ", prose)).replace("'", " ")


@pytest.mark.parametrize("how", sorted(HELP_RUNS))
@pytest.mark.parametrize("command", ["cqdt"] + [spec.name for spec in all_commands()])
def test_every_help_speaks_one_language(command: str, how: str, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    flags, variable, lang = HELP_RUNS[how]
    monkeypatch.delenv("CQDT_LANG", raising=False)
    if variable:
        monkeypatch.setenv("CQDT_LANG", variable)
    with pytest.raises(SystemExit) as done:
        main([*([] if command == "cqdt" else [command]), "--help", *flags])
    text = capsys.readouterr().out
    assert done.value.code == 0
    usage, heading = ("cách dùng: cqdt", "\ntùy chọn:\n") if lang == "vi" else ("usage: cqdt", "\noptions:\n")
    assert text.startswith(usage) and heading in text, text
    assert other_language_words(_help_prose(text), lang, [], HELP_OTHER[lang]) == [], text


def _declared_help(parser: argparse.ArgumentParser) -> Iterator[str]:
    """Every text of a help that the parser declares: its description, group headings and descriptions, the helps
    of its arguments and of its commands, and theirs."""
    groups = parser._action_groups
    yield from (t for t in (parser.description, *(g.title for g in groups), *(g.description for g in groups)) if t)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from (choice.help for choice in action._choices_actions if choice.help)
            for child in action.choices.values():
                yield from _declared_help(child)
        elif action.help and action.help is not argparse.SUPPRESS:
            yield action.help


_HELP_PLACEHOLDER = re.compile(r"%\(\w+\)s|%%")


def test_every_help_a_command_declares_is_in_the_vietnamese_catalogue() -> None:
    """A new option without a Vietnamese help fails here; so does an entry left over once its option is gone."""
    declared = set(_declared_help(build_parser()))  # no command named: every command's arguments
    assert len(declared) > 100
    assert sorted(declared - HELP_VI.keys()) == []
    assert sorted(HELP_VI.keys() - declared) == []
    for english, vietnamese in HELP_VI.items():  # argparse fills in %(default)s after translating: same placeholders
        assert vietnamese != english
        assert _HELP_PLACEHOLDER.findall(vietnamese) == _HELP_PLACEHOLDER.findall(english), english
        assert "%" not in _HELP_PLACEHOLDER.sub("", vietnamese), vietnamese
