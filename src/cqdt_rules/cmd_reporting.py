"""Commands that write reports: report."""

from __future__ import annotations

from cqdt_rules.commands import CommandSpec

COMMANDS: list[CommandSpec] = []
