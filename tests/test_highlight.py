"""The Pygments lexer for .cqdt: every token of every shipped ruleset and golden is classified, the lexer
knows every keyword of the grammar, and ``pygmentize -l cqdt`` finds it through its entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pygments.token import Keyword, Name, Number, String

from cqdt_rules.language.highlight import CqdtLexer, keywords, unclassified

ROOT = Path(__file__).resolve().parent.parent
# every ruleset file of the repository: shipped, examples, goldens (the bad ones too: their errors are
# grammatical, not lexical, so each of their tokens still has a class)
FILES = sorted(p for folder in ("rulesets", "examples", "tests/golden", "tests/rulesets") for p in (ROOT / folder).rglob("*.cqdt"))


def test_there_are_rulesets_to_highlight() -> None:
    assert len(FILES) >= 30 and any(p.parent.name == "2020" for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_token_of_a_ruleset_is_classified(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert list(unclassified(text)) == []
    assert "".join(value for _, value in CqdtLexer().get_tokens(text)).rstrip("\n") == text.rstrip("\n")


def test_the_lexer_knows_each_keyword_and_construct() -> None:
    tokens = [(t, v) for t, v in CqdtLexer().get_tokens(
        'output dti "Chỉ số" = weighted_mean(share(1.2) weight 2, x.a weight 1) round 4 # note\n') if v.strip()]
    assert (Keyword, "output") in tokens and (Keyword, "weight") in tokens and (Keyword, "round") in tokens
    assert (Name.Function, "weighted_mean") in tokens and (Name.Label, "1.2") in tokens
    assert (Keyword, "a") in tokens and (Name, "x") in tokens and (Name, "dti") in tokens
    assert any(t in String for t, v in tokens if v == '"Chỉ số"')
    assert any(t in Number for t, v in tokens if v == "4")
    assert {"headline", "weight", "ruleset", "tier", "bands", "on_zero_denominator"} <= set(keywords())


def test_a_character_outside_the_language_is_an_error_token() -> None:
    assert [v for _, v in unclassified("input có_cổng yesno \"x\"\n")] == ["ó", "ổ"]


def test_pygmentize_finds_the_lexer_by_its_entry_point(tmp_path: Path) -> None:
    source = ROOT / "rulesets" / "2020" / "egov.cqdt"
    run = subprocess.run([sys.executable, "-m", "pygments", "-l", "cqdt", "-f", "html", str(source)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert '<span class="k">criterion</span>' in run.stdout and 'class="err"' not in run.stdout
