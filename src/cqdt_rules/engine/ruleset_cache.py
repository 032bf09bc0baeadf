"""Checked ruleset models kept in memory and in this user's private cache folder, so that a command names a
shipped ruleset without parsing it again (parsing is most of the start-up of every command).

An entry is keyed by the ruleset's text, its path (positions in messages name it) and a fingerprint of the
code that parses and checks rulesets (``_code_fingerprint``), so an edited ruleset, or another version of the
package, never meets an old entry: its name is a 64-bit hash of these (Python's own hash of sources,
``importlib.util.source_hash``, which checks hash-based bytecode files; ``hashlib`` would add some 3 ms to every
command that names a ruleset), and the entry holds the text, path and fingerprint it was made from, compared in
full when it is read. Entries are pickled: they are read only from the private folder (mode 0700, owned by this
user; see ``resources.private_cache_dir``), never from a shared one. A damaged or mismatched entry is ignored."""

from __future__ import annotations

import functools
import os
import pickle
import sys
from collections.abc import Iterator
from importlib.util import source_hash
from pathlib import Path

from cqdt_rules.errors import Diagnostic
from cqdt_rules.language.resources import private_cache_dir, write_private
from cqdt_rules.model import ruleset as m

Entry = tuple[m.Ruleset, tuple[Diagnostic, ...]]
_KIND = "cqdt checked ruleset"

_PACKAGE = str(Path(__file__).resolve().parent.parent)
_CODE = ("errors.py", "model", "language", "engine/loading.py", "engine/ruleset_cache.py")
"""What the checked model depends on: the fingerprint is made of these files' sizes and change times."""
_KEPT_FILES = 64
"""At most this many entries stay on disk; the oldest go first."""
_KEPT_IN_MEMORY = 16
_memory: dict[str, Entry] = {}


def recall(text: str, path: str) -> Entry | None:
    """The checked model of this text read from ``path`` and its warnings, if kept; else None."""
    key = _key(text, path)
    found = _memory.get(key)
    if found is not None:
        return found
    folder = private_cache_dir()
    if folder is None:
        return None
    try:
        kept = pickle.loads((folder / _file_name(key)).read_bytes())
    except Exception:  # missing, damaged or from an incompatible build: parse again
        return None
    if not (isinstance(kept, tuple) and len(kept) == 6 and kept[:4] == (_KIND, _code_fingerprint(), path, text)
            and isinstance(kept[4], m.Ruleset) and isinstance(kept[5], tuple)):
        return None  # made from other text or code (a hash collision, a hand-made file): parse again
    entry: Entry = (kept[4], kept[5])
    _remember(key, entry)
    return entry


def _remember(key: str, entry: Entry) -> None:
    if len(_memory) >= _KEPT_IN_MEMORY:
        del _memory[next(iter(_memory))]
    _memory[key] = entry


def keep(text: str, path: str, ruleset: m.Ruleset, warnings: tuple[Diagnostic, ...]) -> None:
    key = _key(text, path)
    _remember(key, (ruleset, warnings))
    folder = private_cache_dir()
    if folder is None:
        return
    try:
        made_from = (_KIND, _code_fingerprint(), path, text)
        data = pickle.dumps((*made_from, ruleset, warnings), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    write_private(folder / _file_name(key), data, kept=_KEPT_FILES)


def _file_name(key: str) -> str:
    return f"ruleset-{key}.pickle"


def _key(text: str, path: str) -> str:
    parts = (_code_fingerprint().encode("ascii"), path.encode("utf-8"), text.encode("utf-8"))
    return source_hash(b"\0".join(parts)).hex()


@functools.cache
def _code_fingerprint() -> str:
    """What identifies the code the checked model depends on: the Python version, and each file's path, size and
    times of its last change (``st_mtime_ns``, and ``st_ctime_ns``, which no tool sets back: a file written again,
    an edit or another version of the package installed, always changes it), as Python checks bytecode files
    against their source by size and time; reading the text of some thirty files would cost a millisecond."""
    parts = [sys.version]
    for name in _CODE:
        for shown, status in _python_files(os.path.join(_PACKAGE, name), name):
            parts += [shown, str(status.st_size), str(status.st_mtime_ns), str(status.st_ctime_ns)]
    return source_hash("\0".join(parts).encode("utf-8")).hex()


def _python_files(path: str, shown: str) -> Iterator[tuple[str, os.stat_result]]:
    """The Python files at ``path`` (a file, or a folder's, in its folders too), by name, each with its status."""
    if not os.path.isdir(path):
        yield shown, os.stat(path)
        return
    for entry in sorted(os.scandir(path), key=lambda e: e.name):
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _python_files(entry.path, f"{shown}/{entry.name}")
        elif entry.name.endswith(".py"):
            yield f"{shown}/{entry.name}", entry.stat()
