"""Commands for the assessment workflow: template, audit, versions, crosscheck, gaps."""

from __future__ import annotations

from cqdt_rules.commands import CommandSpec

COMMANDS: list[CommandSpec] = []
