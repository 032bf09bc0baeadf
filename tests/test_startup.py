"""Start-up: what `import cqdt_rules` pulls in, header-only lookups by id and year, the private caches of
the parser tables, the lexer's expressions and checked rulesets, and that `cqdt check` always parses the text."""

from __future__ import annotations

import marshal
import os
import pickle
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import lark
import pytest

from cqdt_rules.cli.main import main
from cqdt_rules.engine import codegen, loading, ruleset_cache
from cqdt_rules.errors import RulesetError
from cqdt_rules.language import lalr, parser
from cqdt_rules.language.header import HeaderFacts, header_facts, read_header
from cqdt_rules.language.regex_cache import KeptRegexes
from cqdt_rules.language.resources import CACHE_ENV, grammar_text, private_cache_dir, write_private

ROOT = Path(__file__).resolve().parent.parent
EGOV = ROOT / "rulesets" / "2020" / "egov.cqdt"
HEAVY = ("lark", "yaml", "openpyxl", "numpy", "docx")


def _modules_after(code: str, cache: Path, modules: tuple[str, ...] = HEAVY) -> set[str]:
    """The ``modules`` (by default the heavy libraries) imported after running ``code`` in a fresh interpreter."""
    probe = code + f"\nimport sys\nprint('imported:' + ','.join(m for m in {modules!r} if m in sys.modules))"
    env = {**os.environ, CACHE_ENV: str(cache), "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    return set(filter(None, done.stdout.rpartition("imported:")[2].strip().split(",")))  # after what ``code`` printed


def test_import_pulls_in_no_heavy_library(tmp_path: Path) -> None:
    assert _modules_after("import cqdt_rules", tmp_path) == set()


def test_importing_leaves_the_collector_as_it_was(tmp_path: Path) -> None:
    code = "import gc\n{}\nimport cqdt_rules\nprint(gc.isenabled())"
    env = {**os.environ, CACHE_ENV: str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    for before, after in (("", "True"), ("gc.disable()", "False")):
        done = subprocess.run([sys.executable, "-c", code.format(before)], env=env, capture_output=True, text=True, check=True)
        assert done.stdout.strip() == after
    # what the import made is not scanned when the collector resumes: it is in the oldest generation; objects a
    # program froze before (to fork) stay frozen
    kept = "import gc\n{}\nimport cqdt_rules\nprint(any(o is cqdt_rules.load for o in gc.get_objects(2)), gc.get_freeze_count() > 0)"
    for before, after in (("", ["True", "False"]), ("gc.freeze()", ["False", "True"])):
        done = subprocess.run([sys.executable, "-c", kept.format(before)], env=env, capture_output=True, text=True, check=True)
        assert done.stdout.split() == after


def test_a_kept_ruleset_loads_without_lark_and_data_reading_brings_yaml(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert "lark" in _modules_after("import cqdt_rules as cq; cq.load('egov_2020')", cache)  # first run parses
    assert _modules_after("import cqdt_rules as cq; cq.load('egov_2020'); cq.load('2022')", cache) == set()
    assert "yaml" in _modules_after("import cqdt_rules as cq; cq.load_assessments('examples/gialai/egov-2022-audit.yaml')"
                                    .replace("examples/", str(ROOT / "examples") + "/"), cache)


def test_scoring_a_csv_file_imports_only_what_it_uses(tmp_path: Path) -> None:
    data = ROOT / "examples" / "gialai" / "egov-2022-audit-xa.csv"
    score = f"from cqdt_rules.cli.main import main\nmain(['score', 'egov_2020', {str(data)!r}, '--format', 'csv', '--out', {str(tmp_path / 'out.csv')!r}])"
    assert _modules_after(score, tmp_path / "cache", ("yaml",)) == set()
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") > 220  # it did score the communes
    # the ruleset and the generated code kept: no hash library, no other command's module, no spool for JSON
    unused = ("yaml", "hashlib", "cqdt_rules.cli.reporting", "cqdt_rules.cli.authoring", "tempfile")
    assert _modules_after(score, tmp_path / "cache", unused) == set()


def test_loading_or_checking_a_ruleset_compiles_it_only_when_it_is_first_scored(tmp_path: Path) -> None:
    compiler = ("cqdt_rules.engine.compiler", "cqdt_rules.engine.codegen")
    assert _modules_after("import cqdt_rules as cq; cq.load('egov_2020')", tmp_path, compiler) == set()
    # kept: nor are the classes of amendments made
    kept = _modules_after("import cqdt_rules as cq; cq.load('egov_2020')", tmp_path, (*compiler, "cqdt_rules.model.amendment"))
    assert kept == set()
    check = "from cqdt_rules.cli.main import main\nmain(['check', 'egov_2020'])"
    assert _modules_after(check, tmp_path, compiler) == set()
    checked = loading.load(EGOV, cached=False)
    compiled = checked.compiled
    assert compiled is checked.compiled and compiled.ruleset is checked.ruleset
    assert set(compiled.tiers) == {tier.id for tier in checked.ruleset.tiers}


def test_the_service_compiles_what_it_serves_when_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    from cqdt_rules.engine import compiler
    from cqdt_rules.service.settings import load_settings

    made: list[str] = []
    real = compiler.compile_ruleset
    monkeypatch.setattr(compiler, "compile_ruleset", lambda ruleset, **kw: made.append(ruleset.id) or real(ruleset, **kw))
    settings = load_settings(["egov_2020"])
    assert made == ["egov_2020"]
    assert settings.checked["egov_2020"].compiled.ruleset.id == "egov_2020" and made == ["egov_2020"]  # not again


# ---------------------------------------------------------------- headers
def _ruleset_files() -> list[Path]:
    return sorted(p for folder in ("rulesets", "examples", "tests", "docs") for p in (ROOT / folder).rglob("*.cqdt"))


@pytest.mark.parametrize("path", _ruleset_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_header_reader_agrees_with_the_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        parsed = parser.parse_source(text, str(path))
    except RulesetError:
        return  # a broken file: the header reader may read its header or give up; loading reports the error
    facts = read_header(path)
    if facts is None:  # allowed only where the header is unusual; then the parse gives the facts
        facts = loading.header_of(path)
    base = getattr(parsed, "base", None)
    assert (facts.id, facts.years, facts.effective) == (parsed.id, parsed.header.years, parsed.header.effective)
    assert (facts.amends, facts.amends_path) == ((base.ref, base.is_path) if base else (None, False))
    assert (facts.version, facts.status) == (parsed.header.version, parsed.header.status)


def test_the_header_reader_gives_up_on_what_it_does_not_plainly_read() -> None:
    assert header_facts('ruleset a { years 2020..2022 years 2021.. }') is None  # twice: the parser says so
    assert header_facts('ruleset a { effective 2023-02-30 }') is None  # no such date
    assert header_facts('ruleset a { title "x" ') is None  # never closed
    assert header_facts('tier xa "X" max 1 { }') is None
    facts = header_facts('# comment { }\nruleset b { title "a } b" en "c" amends "../x.cqdt" years 2023 .. }')
    assert facts is not None and (facts.id, facts.years, facts.amends, facts.amends_path) == ("b", (2023, None), "../x.cqdt", True)


def test_a_header_after_a_long_preamble_is_read_from_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "long.cqdt"
    path.write_text("# a note\n" * 3000 + 'ruleset long { version "2" years 2024.. }\n', encoding="utf-8")
    facts = read_header(path)
    assert facts is not None and (facts.id, facts.version, facts.years) == ("long", "2", (2024, None))


def test_version_reads_only_the_headers_of_the_shipped_rulesets(tmp_path: Path) -> None:
    code = "from cqdt_rules.cli.main import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    # nor declares every command's arguments (the test runner's YAML reader, the service's settings)
    assert _modules_after(code, tmp_path, (*HEAVY, "cqdt_rules.authoring.rulesettest", "cqdt_rules.service.settings")) \
        == set()
    assert header_facts('ruleset a { version "1.0" status official }') == HeaderFacts("a", version="1.0", status="official")
    assert header_facts('ruleset a { status "official" }') is None  # not as the grammar writes it: the parser says so
    assert header_facts('ruleset a { status final }') is None


@pytest.mark.parametrize(("words", "read"), [(["check", "egov_2020"], False), (["score"], False),
                                             (["score", "--help"], True), (["--help"], True)])
def test_the_help_catalogue_is_read_only_when_a_help_is_shown(words: list[str], read: bool, tmp_path: Path) -> None:
    """A command that runs, or a usage error, does not import the Vietnamese helps of every option."""
    code = f"from cqdt_rules.cli.main import main\ntry:\n    main({words!r})\nexcept SystemExit:\n    pass"
    assert _modules_after(code, tmp_path, ("cqdt_rules.cli.help_vi",)) == ({"cqdt_rules.cli.help_vi"} if read else set())


def test_naming_by_id_or_year_parses_nothing_but_the_chosen_ruleset(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = parser.parse_source
    monkeypatch.setattr(parser, "parse_source", lambda text, path="<memory>": parsed.append(path) or real(text, path))
    assert loading.resolve_ruleset_path("egov_2020") == loading.resolve_ruleset_path("2022")
    assert loading.shipped_rulesets().keys() >= {"egov_2020", "dti_2023"}
    assert parsed == []
    loading.load("2022", cached=False)
    assert parsed == [str(loading.resolve_ruleset_path("egov_2020"))]  # the checkout's file, or the installed copy


# ---------------------------------------------------------------- private cache folder
def test_the_cache_folder_is_private_and_a_shared_one_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mine"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    assert private_cache_dir() == folder
    assert folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)
    assert private_cache_dir() is None
    monkeypatch.setenv(CACHE_ENV, "")
    assert private_cache_dir() is None
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert private_cache_dir() == tmp_path / "xdg" / "cqdt_rules"


def test_a_kept_ruleset_is_the_parsed_one_and_a_damaged_entry_is_ignored(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(ruleset_cache, "_memory", {})
    fresh = loading.load(EGOV, cached=False)
    first = loading.load(EGOV)  # parsed, checked and kept
    entries = list(tmp_path.glob("ruleset-*.pickle"))
    assert len(entries) == 1 and entries[0].stat().st_mode & 0o077 == 0
    monkeypatch.setattr(ruleset_cache, "_memory", {})
    again = loading.load(EGOV)  # read back from the folder
    assert first.ruleset == fresh.ruleset == again.ruleset and again.warnings == fresh.warnings
    assert again.ruleset.content_hash == fresh.ruleset.content_hash and again.ruleset.path == str(EGOV)
    entries[0].write_bytes(b"not a pickle")
    monkeypatch.setattr(ruleset_cache, "_memory", {})
    assert loading.load(EGOV).ruleset == fresh.ruleset


def test_a_kept_ruleset_made_from_other_text_or_other_code_is_refused_and_made_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(ruleset_cache, "_memory", {})
    egov = loading.load(EGOV)
    (entry,) = tmp_path.glob("ruleset-*.pickle")
    other = loading.load(ROOT / "rulesets" / "2023_dts" / "dti.cqdt", cached=False).ruleset
    text, code = loading.read_ruleset(EGOV), ruleset_cache._code_fingerprint()
    for planted in [(ruleset_cache._KIND, code, str(EGOV), text.replace("2020", "2021"), other, ()),  # other text
                    (ruleset_cache._KIND, "older code", str(EGOV), text, other, ()),  # a ruleset checked by older code
                    (ruleset_cache._KIND, code, "elsewhere.cqdt", text, other, ()),  # read from another path
                    (other, ())]:  # an entry of an earlier layout
        entry.write_bytes(pickle.dumps(planted))
        monkeypatch.setattr(ruleset_cache, "_memory", {})
        assert loading.load(EGOV).ruleset == egov.ruleset
        assert pickle.loads(entry.read_bytes())[2:4] == (str(EGOV), text)  # parsed again and kept in its place


def test_the_code_fingerprint_changes_when_a_file_of_the_model_is_written(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    package = Path(ruleset_cache._PACKAGE)
    for name in ruleset_cache._CODE:
        source, copy = package / name, tmp_path / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, copy) if source.is_dir() else shutil.copy2(source, copy)
    monkeypatch.setattr(ruleset_cache, "_PACKAGE", str(tmp_path))
    fingerprint = ruleset_cache._code_fingerprint.__wrapped__
    first = fingerprint()
    assert fingerprint() == first
    model = tmp_path / "model" / "ruleset.py"
    times = model.stat()
    model.write_text(model.read_text(encoding="utf-8").replace("MAX_DIGITS = 12", "MAX_DIGITS = 13"), encoding="utf-8")
    os.utime(model, ns=(times.st_atime_ns, times.st_mtime_ns))  # the same size and time of change as before
    edited = fingerprint()
    assert edited != first
    (tmp_path / "language" / "extra.py").write_text("", encoding="utf-8")  # a file added
    assert fingerprint() != edited


def test_kept_generated_code_made_from_another_source_is_compiled_again(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    source, planted = "def factory(k):\n    return 1\n", "def factory(k):\n    return 2\n"
    codegen.compile_kept(source)
    (kept,) = tmp_path.glob("tier-*.marshal")
    kept.write_bytes(marshal.dumps((planted, compile(planted, "<planted>", "exec"))))
    namespace: dict[str, Callable[[object], int]] = {}
    exec(codegen.compile_kept(source), namespace)
    assert namespace["factory"](()) == 1
    assert marshal.loads(kept.read_bytes())[0] == source


def test_each_kind_of_cache_file_is_bounded_the_oldest_going_first(tmp_path: Path) -> None:
    for i in range(6):
        write_private(tmp_path / f"tier-{i}.marshal", b"code", kept=4)
        os.utime(tmp_path / f"tier-{i}.marshal", ns=(i * 10**9, i * 10**9))  # written a second apart
    write_private(tmp_path / "ruleset-a.pickle", b"model", kept=4)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ruleset-a.pickle", "tier-2.marshal", "tier-3.marshal", "tier-4.marshal", "tier-5.marshal"]


def test_generated_tier_code_kept_between_runs_stays_within_its_bound(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(codegen, "_KEPT_FILES", 3)
    for maximum in range(5):  # five different generated sources
        codegen.compile_kept(f"def factory(k):\n    return {maximum}\n")
    assert len(list(tmp_path.glob("tier-*.marshal"))) == 3


def test_an_edited_ruleset_is_never_served_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    copy = tmp_path / "egov.cqdt"
    text = EGOV.read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    before = loading.load(copy)
    copy.write_text(text.replace('version "2020.1-reconstructed"', 'version "2020.2"'), encoding="utf-8")
    assert loading.load(copy).ruleset.header.version == "2020.2" != before.ruleset.header.version


def test_cqdt_check_always_parses_the_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    loading.load(EGOV)  # kept
    parsed: list[str] = []
    real = parser.parse_source
    monkeypatch.setattr(parser, "parse_source", lambda text, path="<memory>": parsed.append(path) or real(text, path))
    assert main(["check", "--lang", "en", str(EGOV)]) == 0
    assert parsed == [str(EGOV)]
    assert "is valid" in capsys.readouterr().out


# ---------------------------------------------------------------- parser tables
def test_kept_parser_tables_match_the_grammar(tmp_path: Path) -> None:
    written = lalr.write_tables(tmp_path)
    assert {p.name for p in written} == {lalr.table_name(grammar_text(), o) for o in (lalr.MODEL_OPTIONS, lalr.LAYOUT_OPTIONS)}
    from_file = lark.Lark(grammar_text(), cache=str(written[0]), **lalr.MODEL_OPTIONS)
    built = lark.Lark(grammar_text(), **lalr.MODEL_OPTIONS)
    for path in _ruleset_files()[:12]:
        text = path.read_text(encoding="utf-8")
        try:
            expected = built.parse(text)
        except lark.exceptions.UnexpectedInput:
            continue
        assert from_file.parse(text) == expected
    edited = grammar_text().replace("// The cqdt ruleset language", "// edited")
    assert lalr.table_name(edited, lalr.MODEL_OPTIONS) != lalr.table_name(grammar_text(), lalr.MODEL_OPTIONS)


def test_the_parser_tables_go_to_the_private_folder_never_to_the_temporary_one(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(lalr, "_shipped", lambda name: None)
    shared = Path(tempfile.gettempdir())
    before = set(shared.glob(".lark_*"))
    lalr.build(**lalr.MODEL_OPTIONS)
    assert (tmp_path / lalr.table_name(grammar_text(), lalr.MODEL_OPTIONS)).is_file()
    assert set(shared.glob(".lark_*")) == before


def test_a_kept_parser_parses_as_one_made_from_the_grammar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    fresh = lark.Lark(grammar_text(), **lalr.MODEL_OPTIONS)
    lalr.build(**lalr.MODEL_OPTIONS)  # made from the tables, then kept whole
    kept_files = list(tmp_path.glob("*.parser"))
    assert len(kept_files) == 1 and kept_files[0].stat().st_mode & 0o077 == 0

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the kept parser should have been read")

    with monkeypatch.context() as patched:
        patched.setattr(lark.Lark, "__init__", refuse)
        kept = lalr.build(**lalr.MODEL_OPTIONS)
    assert _terminals(kept) == _terminals(fresh)
    assert [str(r) for r in kept.rules] == [str(r) for r in fresh.rules]
    assert _parse_all(kept.parse) == _parse_all(fresh.parse)  # the same trees, and the same syntax errors


def _terminals(parser: lark.Lark) -> list[tuple[str, str, str, frozenset[str], int]]:
    """Each terminal's name, kind, pattern, flags and priority. Lark's own pattern equality also compares the
    type of the flags, which a parser made from the shipped tables (an installed package) holds as a list."""
    return [(t.name, type(t.pattern).__name__, t.pattern.value, frozenset(t.pattern.flags), t.priority)
            for t in parser.terminals]


def test_a_damaged_kept_parser_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    lalr.build(**lalr.MODEL_OPTIONS)
    kept_file, = tmp_path.glob("*.parser")
    kept_file.write_bytes(b"not a pickle")
    text = EGOV.read_text(encoding="utf-8")
    assert lalr.build(**lalr.MODEL_OPTIONS).parse(text) == lark.Lark(grammar_text(), **lalr.MODEL_OPTIONS).parse(text)
    assert kept_file.read_bytes() != b"not a pickle"  # written again


# ---------------------------------------------------------------- lexer expressions
def _parse_all(parse: Callable[[str], lark.Tree[lark.Token]]) -> list[object]:
    """Each ruleset file's tree, or its syntax error (kind, position and what was expected)."""
    found: list[object] = []
    for path in _ruleset_files():
        try:
            found.append(parse(path.read_text(encoding="utf-8")))
        except lark.exceptions.UnexpectedInput as error:
            found.append((type(error).__name__, error.line, error.column, sorted(getattr(error, "expected", ()) or ())))
    return found


def _kept_parser(regexes: KeptRegexes) -> lark.Lark:
    built = lark.Lark(grammar_text(), **lalr.MODEL_OPTIONS)
    lalr._compile_through(built, regexes)
    return built


def test_kept_lexer_expressions_are_those_re_compiles_and_parse_alike(tmp_path: Path) -> None:
    plain = lark.Lark(grammar_text(), **lalr.MODEL_OPTIONS)
    expected = _parse_all(plain.parse)
    path = tmp_path / "lexer.marshal"
    first = KeptRegexes(path)
    assert _parse_all(_kept_parser(first).parse) == expected
    first.save()
    assert path.stat().st_mode & 0o077 == 0
    again = KeptRegexes(path)
    kept = marshal.loads(path.read_bytes())
    assert len(kept) > 50
    for pattern, flags in kept:
        rebuilt, compiled = again.compile(pattern, flags), re.compile(pattern, flags)
        assert rebuilt == compiled and rebuilt.groupindex == compiled.groupindex  # same text, flags and code
    assert _parse_all(_kept_parser(again).parse) == expected
    assert not again._added  # every expression came from the file: nothing compiled, nothing to write


def test_a_damaged_file_of_lexer_expressions_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "lexer.marshal"
    path.write_bytes(b"not marshal data")
    assert KeptRegexes(path).compile("(?P<A>a+)|b") == re.compile("(?P<A>a+)|b")
    path.write_bytes(marshal.dumps({("(?P<A>a+)|b", 0): (32, [999_999, 1, 2], 1, {"A": 1}, (None, "A"))}))
    regexes = KeptRegexes(path)  # code the engine refuses: compiled again, and the right form kept instead
    assert regexes.compile("(?P<A>a+)|b") == re.compile("(?P<A>a+)|b")
    regexes.save()
    assert KeptRegexes(path).compile("(?P<A>a+)|b") == re.compile("(?P<A>a+)|b")


def test_lexer_expressions_are_kept_in_the_private_folder_never_in_the_temporary_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(lalr, "_REGEXES", {})
    # a temporary folder of this test's own: the shared one changes under other processes' feet
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    lalr.parse(lalr.build(**lalr.MODEL_OPTIONS), EGOV.read_text(encoding="utf-8"))
    assert len(list(tmp_path.glob("cqdt-lexer-*.marshal"))) == 1
    assert list(temporary.iterdir()) == []
