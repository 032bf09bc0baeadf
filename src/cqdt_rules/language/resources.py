"""Where the shipped grammar, rulesets and examples live: inside the wheel, or in the checkout."""

from __future__ import annotations

from pathlib import Path

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
