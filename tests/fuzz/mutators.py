"""Hypothesis strategies that mutate the shipped rulesets' text and the sample data (YAML, CSV, forms).

Two kinds of mutation: *blind* edits (a character inserted, deleted or replaced; a line repeated,
dropped or swapped), whose result may be valid or not; and mutations that are **invalid by
construction** (a number that is not finite or out of range, a value of the wrong type, colliding
codes, an unknown parent, a control character in a code or a label), which must always be refused."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
RULESETS = [ROOT / "rulesets" / "2020" / "egov.cqdt", ROOT / "rulesets" / "2023_dts" / "dti.cqdt"]
SAMPLE = ROOT / "examples" / "gialai"

# characters a tester types: structure, digits (ASCII and others), quotes, control and invisible ones
ALPHABET = list("{}()[]<>=+-*/%.,:;#\"'\\ \n\t_@&|!?~^$") + list("0123456789aAzZ") + [
    "\r", "\x00", "\x1b", "\x07", "\x0c", "\u200b", "\ufeff", "\u00a0", "１", "٣", "đ", "Ư", "ệ", "\u0301", "∞", "€"]

HOSTILE_NUMBERS = ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e999999999", "1e-999999999", "1" + "0" * 20,
                   "9" * 5000, "0." + "0" * 30 + "1", "1_0", "１２", "١٢", "0x10", "1e16", "-1e16", "12%"]
CONTROL = ["\x00", "\x1b[31m", "\x07", "\x08", "\x1f", "\x7f", "\x9b"]


@st.composite
def blind_edit(draw: st.DrawFn, text: str) -> str:
    """One to three random edits of ``text``; the result may or may not be valid."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "line_dup", "line_drop", "line_swap", "splice"]))
        lines = text.split("\n")
        if kind.startswith("line") and len(lines) > 2:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "line_dup":
                lines.insert(i, lines[j])
            elif kind == "line_drop":
                del lines[i]
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
            continue
        at = draw(st.integers(0, max(0, len(text) - 1)))
        piece = draw(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(HOSTILE_NUMBERS),
                               st.text(st.sampled_from(ALPHABET), min_size=1, max_size=6)))
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)):]
        elif kind == "replace":
            text = text[:at] + piece + text[at + len(piece):]
        else:  # a piece of the text copied elsewhere
            length = draw(st.integers(1, 40))
            text = text[:at] + text[draw(st.integers(0, max(0, len(text) - 1))):][:length] + text[at:]
    return text


# ---------------------------------------------------------------- rulesets
def ruleset_parts(path: Path) -> tuple[str, list[str]]:
    """The text before the first tier (header, shared declarations) and each top-level tier's text."""
    text = path.read_text(encoding="utf-8")
    pieces = re.split(r"(?m)^(?=tier )", text)
    return pieces[0], pieces[1:]


def small_rulesets() -> list[str]:
    """Each shipped ruleset cut to one tier (with its header): a fuzz case parses in a fraction of the time."""
    found = []
    for path in RULESETS:
        head, tiers = ruleset_parts(path)
        found.extend(head + tier for tier in tiers)
    return found


# a number where the grammar reads one: a maximum, a band's threshold or points, a range, per-item points
_NUMBER = re.compile(r"(?:(?<=max )|(?<=-> )|(?<=>= )|(?<=\.\.)|(?<=each )|(?<=range ))[0-9]+(\.[0-9]+)?(?![\w.])")
_QUOTED = re.compile(r'"[^"\n]*"')


def _in_code(text: str, at: int) -> bool:
    """True when position ``at`` is outside comments and quoted texts (a number there is read as one)."""
    line = text[text.rfind("\n", 0, at) + 1:at]
    return "#" not in line and line.count('"') % 2 == 0


@st.composite
def invalid_ruleset(draw: st.DrawFn, text: str) -> tuple[str, str]:
    """``text`` with one change that must be refused, and what the change was."""
    kind = draw(st.sampled_from(["number", "label"]))
    if kind == "number":
        matches = [m for m in _NUMBER.finditer(text) if _in_code(text, m.start())]
        found = draw(st.sampled_from(matches))
        hostile = draw(st.sampled_from([n for n in HOSTILE_NUMBERS if n not in ("1e-999999999",)]
                                       + ["9" * 16, "1." + "1" * 13]))
        return text[:found.start()] + hostile + text[found.end():], f"number {hostile[:20]!r}"
    matches = [m for m in _QUOTED.finditer(text) if _in_code(text, m.start())]
    found = draw(st.sampled_from(matches))
    inside = found.start() + 1 + draw(st.integers(0, len(found.group()) - 2))
    control = draw(st.sampled_from(CONTROL))
    return text[:inside] + control + text[inside:], f"control character {control!r} in a label"


# ---------------------------------------------------------------- data
def sample_yaml(name: str, units: int) -> str:
    """The head of a sample YAML file (file fields and the first ``units`` units)."""
    text = (SAMPLE / name).read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"(?m)^  - code:", text)]
    return text[:starts[units]] if len(starts) > units else text


def sample_csv(name: str, rows: int) -> str:
    lines = (SAMPLE / name).read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[:rows + 1]) + "\n"


@st.composite
def invalid_yaml(draw: st.DrawFn, text: str) -> tuple[str, str]:
    """A sample YAML text with one change that must be refused."""
    kind = draw(st.sampled_from(["number", "type", "collision", "parent", "control", "alias", "nesting"]))
    if kind == "number":
        found = draw(st.sampled_from(list(re.finditer(r"(?m)(?<=: )[0-9]+(?=\s*$)|(?<=\[)[0-9]+(?=, )|(?<=, )[0-9]+(?=\])",
                                                      text))))
        hostile = draw(st.sampled_from(HOSTILE_NUMBERS))
        return text[:found.start()] + f'"{hostile}"' + text[found.end():], f"number {hostile[:20]!r}"
    if kind == "type":
        field = draw(st.sampled_from(["name", "code"]))
        found = draw(st.sampled_from(list(re.finditer(rf"(?m)^(    |  - ){field}: .*$", text))))
        value = draw(st.sampled_from(["[a, b]", "{a: b}"]))
        return text[:found.start()] + f"{found.group(1)}{field}: {value}" + text[found.end():], f"{field} as {value}"
    codes = list(re.finditer(r'(?m)^  - code: "?([^"\n]+)"?$', text))
    if kind == "collision":
        first, second = draw(st.sampled_from(codes)), draw(st.sampled_from(codes))
        twin = first.group(1) + draw(st.sampled_from([" ", "\u200b", "\ufeff"]))
        if first.start() == second.start():
            return text + text[first.start():].split("\n  - code:")[0].replace(first.group(), f'  - code: "{twin}"', 1) \
                + "\n", "a unit twice"
        return (text[:second.start()] + f'  - code: "{twin}"' + text[second.end():]), "colliding codes"
    if kind == "parent":
        parents = list(re.finditer(r'(?m)^    parent: "?([^"\n]+)"?$', text))
        if not parents:
            return text.replace("\n  - code:", "\n  - parent: \"99999\"\n    code:", 1), "unknown parent"
        found = draw(st.sampled_from(parents))
        return text[:found.start()] + '    parent: "99999"' + text[found.end():], "unknown parent"
    if kind == "control":
        found = draw(st.sampled_from(codes))
        control = draw(st.sampled_from(CONTROL))
        return text[:found.start()] + f'  - code: "{found.group(1)}{control}"' + text[found.end():], "control character"
    if kind == "alias":
        return text.replace("units:\n", "x: &a [1, 2]\nunits:\n", 1).replace("    values:\n", "    values: *a\n    v:\n", 1), "alias"
    return text + "\n" + "[" * draw(st.integers(65, 5000)) + "\n", "nesting"
