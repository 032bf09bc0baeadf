"""Wheel build hook: ship the LALR tables of the ruleset grammar, so that the first run after installing
does not spend a quarter of a second building them (``cqdt_rules.language.lalr``). An editable install
builds them on first use into the user's private cache folder instead."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ParserTablesHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        sys.path.insert(0, str(Path(self.root) / "src"))
        from cqdt_rules.language import lalr

        folder = Path(tempfile.mkdtemp(prefix="cqdt-parser-tables-"))
        for table in lalr.write_tables(folder):
            build_data["force_include"][str(table)] = f"cqdt_rules/_data/{lalr.SHIPPED_FOLDER}/{table.name}"
