"""Where the shipped grammar, rulesets and examples live: inside the wheel, or in the checkout."""

from __future__ import annotations

import os
from pathlib import Path

from cqdt_rules.files import replacing

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # cqdt_rules/, where the wheel puts _data
_CHECKOUT_DIR = _PACKAGE_DIR.parent.parent


def data_dir(name: str) -> Path:
    """The folder ``name`` (grammars, rulesets, examples), packaged first, then the checkout's."""
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _CHECKOUT_DIR / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"cannot find the shipped folder '{name}' (looked in {packaged} and {checkout})")


def grammar_text() -> str:
    return (data_dir("grammars") / "cqdt.lark").read_text(encoding="utf-8")


CACHE_ENV = "CQDT_CACHE_DIR"
"""Names the cache folder instead of ``$XDG_CACHE_HOME/cqdt_rules``; an empty value turns caching off."""


def private_cache_dir() -> Path | None:
    """This user's cache folder (mode 0700), created if needed; None when caching is off or the folder is
    not private: owned by someone else, or open to other users (a planted file would be loaded)."""
    override = os.environ.get(CACHE_ENV)
    if override is not None:
        if not override:
            return None
        folder = Path(override)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "cqdt_rules"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError:
        return None
    owner = getattr(os, "getuid", None)
    if owner is not None and (status.st_uid != owner() or status.st_mode & 0o077):
        return None
    return folder


def write_private(path: Path, data: bytes, kept: int | None = None) -> None:
    """Write a cache file atomically (readers see the old file or the whole new one), readable only by us.
    A cache that cannot be written is no error: the next run computes the value again. With ``kept``, at most
    that many files of the same kind (the same name up to its first '-') stay in the folder, the oldest going
    first: a cache written once per edited ruleset never fills the disk."""
    try:
        with replacing(path, mode=0o600) as temporary:
            temporary.write_bytes(data)
    except OSError:
        pass  # no cache this time
    if kept is not None:
        _prune(path.parent, path.name.partition("-")[0] + "-*" + path.suffix, kept)


def _prune(folder: Path, pattern: str, kept: int) -> None:
    try:
        entries = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-kept]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
