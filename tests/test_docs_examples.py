"""The documents stay true: every ```cqdt block of docs/*.md checks without errors, every ```sh
example runs, every pasted command output is what the command prints today, and every internal
link of docs/*.md and README.md leads to a file and heading that exist.

Conventions in the documents:

- a ```cqdt block whose first line (after comments) starts with ``ruleset`` is a complete ruleset;
- any other ```cqdt block is a fragment of a tier: it is checked inside a standard header and a
  tier ``xa`` whose maximum is the sum of the fragment's top-level nodes;
- ``<!-- file: NAME -->`` on the line before a fenced block makes that block a file named NAME
  (files of both documents are written to one folder);
- ``<!-- output: cqdt ARGS -->`` on the line before a fenced block means the block is the exact
  output (standard output, then standard error) of ``cqdt ARGS`` run in that folder (the
  ``run_at`` time of JSON and CSV results excepted);
- an output block whose last line is ``...`` shows the first lines of the output only;
- ``<!-- keywords: grammars/cqdt.lark -->`` on the line before a fenced block means the block lists
  exactly the keywords of that grammar;
- every ```sh block is an example that runs: each ``cqdt ...`` or ``python3 -m cqdt_rules ...``
  command in it runs (from a folder holding the repository's ``examples``) and must succeed; a block
  that cannot run here says why with ``<!-- not run: REASON -->`` on the line before it;
- links: ``[text](path#anchor)`` outside code must name an existing file (relative to the
  document) and, with ``#anchor``, a heading of that file (GitHub's anchors).

After a deliberate change of output, regenerate the pasted outputs with
``CQDT_UPDATE_DOCS=1 pytest tests/test_docs_examples.py`` and review the diff.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from cqdt_rules.api import load_text
from cqdt_rules.cli.main import main
from cqdt_rules.errors import RulesetError
from cqdt_rules.language.parser import parse_text

ROOT = Path(__file__).resolve().parent.parent
DOCS = tuple(sorted((ROOT / "docs").glob("*.md")))
LINKED = (*DOCS, ROOT / "README.md")
UPDATE = bool(os.environ.get("CQDT_UPDATE_DOCS"))

FRAGMENT_HEADER = """ruleset doc_fragment {
  title "Ví dụ trong tài liệu"
  years 2020..
  rounding 3
  on_zero_denominator 0
  on_missing_evidence zero
}
"""
_MARKER = re.compile(r"^<!--\s*(file|output|keywords|not run):\s*(.+?)\s*-->$")
_RUN_AT = re.compile(r'"run_at": "[^"]*"')
_RUN_AT_CSV = re.compile(r",\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d,")


def _comparable(output: str) -> str:
    """The output with the run's time blanked out (JSON results record when they were made)."""
    return _RUN_AT_CSV.sub(",<run_at>,", _RUN_AT.sub('"run_at": "..."', output))


@attrs.frozen
class Block:
    doc: Path
    line: int  # 1-based line of the opening fence
    info: str  # the fence's info string: cqdt, yaml, csv, text, ...
    text: str
    marker: tuple[str, str] | None  # ("file", name), ("output", command) or ("keywords", grammar)

    @property
    def where(self) -> str:
        return f"{self.doc.name}:{self.line}"

    @property
    def is_complete_ruleset(self) -> bool:
        for line in self.text.splitlines():
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                return stripped.startswith("ruleset ")
        return False


def read_blocks(doc: Path) -> list[Block]:
    """Every fenced block of ``doc`` with its info string and the marker on the line before it."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("```"):
            info = line[3:].strip()
            end = index + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            if end == len(lines):
                raise AssertionError(f"{doc.name}:{index + 1}: code block is never closed")
            marker = None
            if index > 0:
                found = _MARKER.match(lines[index - 1].strip())
                if found:
                    marker = (found.group(1), found.group(2))
            body = "\n".join(lines[index + 1:end])
            blocks.append(Block(doc, index + 1, info, body + "\n" if body else "", marker))
            index = end + 1
        else:
            index += 1
    return blocks


def _all_blocks() -> list[Block]:
    return [b for doc in DOCS if doc.is_file() for b in read_blocks(doc)]


CQDT_BLOCKS = [b for b in _all_blocks() if b.info == "cqdt"]
COMPLETE = [b for b in CQDT_BLOCKS if b.is_complete_ruleset]
FRAGMENTS = [b for b in CQDT_BLOCKS if not b.is_complete_ruleset]


def wrap_fragment(fragment: str) -> str:
    """A fragment of a tier inside a minimal ruleset whose tier maximum fits the fragment."""
    def text(maximum: str) -> str:
        return FRAGMENT_HEADER + f'tier xa "UBND xã" max {maximum} {{\n{fragment}}}\n'

    tier = parse_text(text("0"), "<fragment>").tiers[0]
    total = sum((node.max for node in tier.nodes), Decimal(0))
    return text(format(total, "f"))


def _load(text: str, block: Block) -> None:
    try:
        load_text(text, block.where)
    except RulesetError as exc:
        pytest.fail(f"the example at {block.where} does not pass the checker:\n{exc.render()}\n\n{text}")


def test_the_documents_have_examples() -> None:
    assert (ROOT / "docs" / "language.md").is_file()
    assert len(COMPLETE) >= 3 and len(FRAGMENTS) >= 10


@pytest.mark.parametrize("block", COMPLETE, ids=[b.where for b in COMPLETE])
def test_complete_ruleset_example_checks_without_errors(block: Block) -> None:
    _load(block.text, block)


@pytest.mark.parametrize("block", FRAGMENTS, ids=[b.where for b in FRAGMENTS])
def test_fragment_example_checks_without_errors_inside_a_tier(block: Block) -> None:
    try:
        wrapped = wrap_fragment(block.text)
    except RulesetError as exc:
        pytest.fail(f"the fragment at {block.where} does not parse inside a tier:\n{exc.render()}")
    _load(wrapped, block)


def _files() -> dict[str, str]:
    files: dict[str, str] = {}
    for block in _all_blocks():
        if block.marker and block.marker[0] == "file":
            name = block.marker[1]
            assert name not in files, f"{block.where}: file '{name}' is given twice in the documents"
            files[name] = block.text
    return files


def run_cqdt(command: str) -> str:
    args = shlex.split(command)
    assert args[0] == "cqdt", f"an output marker must run cqdt, got: {command}"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(args[1:])
    return out.getvalue() + err.getvalue()


@pytest.mark.parametrize("doc", [d for d in DOCS if d.is_file()], ids=lambda d: d.name)
def test_pasted_command_outputs_are_what_the_commands_print(doc: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for name, text in _files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    outputs = [b for b in read_blocks(doc) if b.marker and b.marker[0] == "output"]
    stale: list[tuple[Block, str]] = []
    for block in outputs:
        assert block.marker is not None
        actual = run_cqdt(block.marker[1]).rstrip("\n") + "\n"
        if not _shown_matches(block.text, actual):
            stale.append((block, actual))
    if stale and UPDATE:
        _rewrite(doc, stale)
        return
    assert not stale, "outputs pasted in the documentation differ from what cqdt prints " \
        "(regenerate with CQDT_UPDATE_DOCS=1 and review the diff):\n" + "\n".join(
            f"--- {b.where}: {b.marker[1] if b.marker else ''}\n{actual}" for b, actual in stale)


def _shown_matches(shown: str, actual: str) -> bool:
    """The pasted output is the whole output, or (ending in a line ``...``) the output's first lines."""
    lines = shown.rstrip("\n").split("\n")
    if lines[-1].strip() == "...":
        head = "\n".join(lines[:-1])
        return _comparable(actual).startswith(_comparable(head) + "\n")
    return _comparable(actual) == _comparable(shown)


def _rewrite(doc: Path, stale: list[tuple[Block, str]]) -> None:
    lines = doc.read_text(encoding="utf-8").splitlines()
    for block, actual in sorted(stale, key=lambda s: s[0].line, reverse=True):
        start = block.line  # index of the first line after the opening fence
        end = start
        while lines[end].strip() != "```":
            end += 1
        lines[start:end] = actual.rstrip("\n").split("\n")
    doc.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_reserved_words_listed_are_the_grammars_keywords() -> None:
    blocks = [b for b in _all_blocks() if b.marker and b.marker[0] == "keywords"]
    assert blocks, "docs/language.md should list the reserved words under a keywords marker"
    for block in blocks:
        assert block.marker is not None
        grammar = (ROOT / block.marker[1]).read_text(encoding="utf-8")
        keywords = set(re.findall(r'"([a-z_]+)"', grammar))
        listed = set(block.text.split())
        assert listed == keywords, (f"{block.where}: missing {sorted(keywords - listed)}, "
                                    f"not keywords {sorted(listed - keywords)}")


# ---------------------------------------------------------------- shell examples
SH_BLOCKS = [b for b in _all_blocks() if b.info == "sh"]


def shell_commands(text: str) -> list[list[str]]:
    """The commands of a shell block: continuation lines joined, comments and VAR=value prefixes dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    commands = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words.pop(0)
        if words:
            commands.append(words)
    return commands


def cqdt_arguments(words: list[str]) -> list[str] | None:
    """The arguments of a cqdt command (``cqdt ...`` or ``python3 -m cqdt_rules ...``), None for another program."""
    if words[0] == "cqdt":
        return words[1:]
    if words[:3] in (["python3", "-m", "cqdt_rules"], ["python", "-m", "cqdt_rules"]):
        return words[3:]
    return None


def test_there_are_shell_examples() -> None:
    assert len(SH_BLOCKS) >= 4


@pytest.mark.parametrize("block", SH_BLOCKS, ids=[b.where for b in SH_BLOCKS])
def test_shell_example_runs(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = shell_commands(block.text)
    assert commands, f"{block.where}: an empty shell example"
    runnable = [cqdt_arguments(words) for words in commands]
    if block.marker is not None and block.marker[0] == "not run":
        assert any(args is None for args in runnable), f"{block.where}: says 'not run' but only runs cqdt"
        return
    others = [" ".join(words) for words, args in zip(commands, runnable) if args is None]
    assert not others, (f"{block.where}: runs {others[0]!r}, which this test cannot run; say why with "
                        "<!-- not run: REASON --> on the line before the block")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    for args in runnable:
        assert args is not None
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
        assert code == 0, f"{block.where}: cqdt {' '.join(args)} exited with {code}:\n{err.getvalue()}"


# ---------------------------------------------------------------- links
_LINK = re.compile(r"(?<!!)\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")


def _prose(text: str) -> str:
    """The text outside fenced blocks and inline code (where brackets are not links)."""
    return _INLINE_CODE.sub("", _FENCE.sub("", text))


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in _FENCE.sub("", doc.read_text(encoding="utf-8")).splitlines():
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            anchor = github_anchor(heading.group(1))
            count = seen.get(anchor, 0)
            seen[anchor] = count + 1
            found.add(anchor if count == 0 else f"{anchor}-{count}")
        found.update(re.findall(r'<a (?:id|name)="([^"]+)"', line))
    return found


def broken_links(doc: Path) -> list[str]:
    problems = []
    for target in _LINK.findall(_prose(doc.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # http:, https:, mailto: ...
        path, _, anchor = target.partition("#")
        linked = (doc.parent / path).resolve() if path else doc
        if not linked.exists():
            problems.append(f"{doc.name}: link to {target}: no file {path}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{doc.name}: link to {target}: {linked.name} has no heading with anchor #{anchor}")
    return problems


@pytest.mark.parametrize("doc", LINKED, ids=lambda d: d.name)
def test_internal_links_and_anchors_resolve(doc: Path) -> None:
    assert not broken_links(doc), "\n".join(broken_links(doc))


def test_link_check_finds_a_missing_anchor_and_file(tmp_path: Path) -> None:
    doc = tmp_path / "d.md"
    doc.write_text("# Title\n\n## b = 0, missing values\n\n[ok](#b--0-missing-values) [bad](#known-limitations) "
                   "[gone](other.md) `[code](#not-a-link)`\n", encoding="utf-8")
    assert broken_links(doc) == ["d.md: link to #known-limitations: d.md has no heading with anchor #known-limitations",
                                 "d.md: link to other.md: no file other.md"]


def test_truncated_output_compares_the_first_lines_only() -> None:
    assert _shown_matches("a\nb\n...\n", "a\nb\nc\n")
    assert not _shown_matches("a\nx\n...\n", "a\nb\nc\n")
    assert not _shown_matches("a\nb\n", "a\nb\nc\n")
