"""Commands for ruleset authors: fmt, test, diff."""

from __future__ import annotations

from cqdt_rules.commands import CommandSpec

COMMANDS: list[CommandSpec] = []
