"""A Pygments lexer for ruleset files (``.cqdt``): ``pygmentize -l cqdt`` and any tool built on Pygments.

Registered as the ``pygments.lexers`` entry point ``cqdt``. Pygments is an optional extra (``highlight``):
this module is imported only by the tools that highlight (``cqdt render --format html``) and by Pygments."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
    _TokenType,
)

from cqdt_rules.language.resources import grammar_text
from cqdt_rules.model.ruleset import FUNCTIONS


@functools.cache
def keywords() -> tuple[str, ...]:
    """The grammar's keywords, read from the grammar itself so the lexer never falls behind it."""
    found = set(re.findall(r'"([a-z_]+)"', grammar_text())) - {"a", "b"}  # pair parts: keywords only after '.'
    return tuple(sorted(found, key=lambda w: (-len(w), w)))


def _groups(*tokens: _TokenType) -> Any:
    """Pygments' ``bygroups`` (untyped in its stubs)."""
    return bygroups(*tokens)  # type: ignore[no-untyped-call]


class CqdtLexer(RegexLexer):
    """Rulesets in the cqdt language."""

    name = "cqdt"
    aliases = ["cqdt"]
    filenames = ["*.cqdt"]
    mimetypes = ["text/x-cqdt"]
    url = "https://pypi.org/project/cqdt-rules/"

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"(\\.|[^"\\\n])*"', String.Double),
            (r"\d{4}-\d{2}-\d{2}\b", Literal.Date),
            (r"\b(criterion|group|remove|replace|change|under|after|before)(\s+)([A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*)\b",
             _groups(Keyword, Whitespace, Name.Label)),
            (r"\b(points|share)(\s*)(\()(\s*)([A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*)(\s*)(\))",
             _groups(Keyword, Whitespace, Punctuation, Whitespace, Name.Label, Whitespace, Punctuation)),
            (words(FUNCTIONS, suffix=r"(?=\s*\()"), Name.Function),
            (r"(\.)(a|b)\b", _groups(Punctuation, Keyword)),
            (words(keywords(), prefix=r"\b", suffix=r"\b"), Keyword),
            (r"\d+(\.\d+)?%", Number),
            (r"\d+\.\d+(?![A-Za-z0-9_])", Number.Float),
            (r"\d+(?![A-Za-z_])", Number.Integer),
            (r"->|>=|<=|==|!=|\.\.|[+\-*/<>=]", Operator),
            (r"[{}(),.]", Punctuation),
            (r"[A-Za-z_][A-Za-z0-9_]*", Name),
            (r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+", Name.Label),  # a node id elsewhere (add ... after 2.1a)
            (r".", Error),
        ],
    }


def unclassified(text: str) -> Iterator[tuple[_TokenType, str]]:
    """The tokens of ``text`` the lexer could not classify (errors, or plain text that is not whitespace)."""
    for token, value in CqdtLexer().get_tokens(text):
        if str(token).startswith(str(Error)) or (token is Text and value.strip()):
            yield token, value


def highlighted_html(text: str) -> str:
    """Ruleset text as HTML with inline styles (no stylesheet needed: a page stays self-contained)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    return str(highlight(text, CqdtLexer(), HtmlFormatter(noclasses=True, style="default")))
