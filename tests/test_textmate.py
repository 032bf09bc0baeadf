"""The TextMate grammar (editors/vscode, for VS Code and other editors), run by the real engine VS Code uses:
vscode-textmate with vscode-oniguruma, from the npm registry (scripts/test.sh installs them). Every token of
every ruleset file of the repository gets a scope beyond the file's own, none is marked illegal, and the
grammar's keywords are exactly the language's.

The test fails, never skips, when Node or the npm packages are missing."""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cqdt_rules.language.highlight import keywords
from cqdt_rules.model.ruleset import FUNCTIONS

pytestmark = pytest.mark.slow  # needs Node and the npm packages: left out of the quick subset

ROOT = Path(__file__).resolve().parent.parent
GRAMMAR = ROOT / "editors" / "vscode" / "syntaxes" / "cqdt.tmLanguage.json"
HARNESS = ROOT / "editors" / "textmate-test"
FILES = sorted(p for folder in ("rulesets", "examples", "tests/golden", "tests/rulesets") for p in (ROOT / folder).rglob("*.cqdt"))
Token = tuple[int, int, int, str, list[str]]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is required for the TextMate grammar test (Node 20: apt-get install nodejs)", pytrace=False)
    if not (HARNESS / "node_modules" / "vscode-textmate").is_dir() or not (HARNESS / "node_modules" / "vscode-oniguruma").is_dir():
        pytest.fail(f"the npm packages are missing: run 'npm ci' in {HARNESS.relative_to(ROOT)} (scripts/test.sh does)",
                    pytrace=False)
    return node


def tokenize(*paths: Path) -> dict[str, list[Token]]:
    done = subprocess.run([_node(), str(HARNESS / "tokenize.mjs"), str(GRAMMAR), *map(str, paths)],
                          capture_output=True, text=True, timeout=300, cwd=HARNESS)
    assert done.returncode == 0, done.stderr[-3000:]
    return {k: [tuple(t) for t in v] for k, v in json.loads(done.stdout).items()}  # type: ignore[misc]


@functools.cache
def _all_files() -> dict[str, list[Token]]:
    return tokenize(*FILES)


def test_there_are_rulesets_to_tokenize() -> None:
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_token_has_a_scope_and_none_is_illegal(path: Path) -> None:
    tokens = _all_files()[str(path)]
    assert tokens, "the file was tokenized"
    unscoped = [(line, text) for line, _, _, text, scopes in tokens if text.strip() and scopes == ["source.cqdt"]]
    illegal = [(line, text) for line, _, _, text, scopes in tokens if any("invalid" in s for s in scopes)]
    assert unscoped == [] and illegal == []


def test_constructs_get_the_scopes_an_editor_colours(tmp_path: Path) -> None:
    sample = tmp_path / "sample.cqdt"
    sample.write_text('criterion 1.2 "Tỷ lệ" max 10 { # note\n'
                      '  formula round(geometric_mean(x.a, points(A1)), 4) * 80%\n}\n', encoding="utf-8")
    scopes = {text: s[-1] for _, _, _, text, s in tokenize(sample)[str(sample)] if text.strip()}
    assert scopes["criterion"] == "keyword.other.cqdt" and scopes["1.2"] == "entity.name.section.cqdt"
    assert scopes["Tỷ lệ"] == "string.quoted.double.cqdt" and scopes["# note"] == "comment.line.number-sign.cqdt"
    assert scopes["geometric_mean"] == "support.function.cqdt" and scopes["round"] == "keyword.other.cqdt"
    assert scopes["a"] == "keyword.other.part.cqdt" and scopes["x"] == "variable.other.cqdt"
    assert scopes["A1"] == "entity.name.section.cqdt" and scopes["80%"] == "constant.numeric.cqdt"


def test_a_character_outside_the_language_is_marked_illegal(tmp_path: Path) -> None:
    sample = tmp_path / "bad.cqdt"
    sample.write_text("input có yesno \"x\"\n", encoding="utf-8")
    illegal = [text for _, _, _, text, scopes in tokenize(sample)[str(sample)] if any("invalid" in s for s in scopes)]
    assert "".join(illegal) == "có", "a name with a Vietnamese letter is not a name"


def test_grammar_keywords_and_functions_are_the_languages() -> None:
    repository = json.loads(GRAMMAR.read_text(encoding="utf-8"))["repository"]
    listed = set(re.search(r"\((.*)\)", repository["keyword"]["match"]).group(1).split("|"))  # type: ignore[union-attr]
    assert listed == set(keywords())
    functions = set(re.search(r"\((.*?)\)", repository["function"]["match"]).group(1).split("|"))  # type: ignore[union-attr]
    assert functions == set(FUNCTIONS)
