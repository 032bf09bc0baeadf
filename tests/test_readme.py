"""The README stays true: its quick start, its API example and its command table."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from decimal import Decimal
from pathlib import Path

from cqdt_rules.cli.commands import all_commands
from cqdt_rules.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_the_quick_start_is_two_commands_and_the_first_runs_the_main_job() -> None:
    first, second = _blocks("sh")
    assert second.strip() == "bash scripts/test.sh"
    cqdt = next(part for part in first.split("&&") if ".venv/bin/cqdt" in part)
    args = shlex.split(cqdt)[1:]
    assert args[0] == "summary"
    out = io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out):
        assert main(args) == 0
    assert "16 đơn vị đạt Mức I (chiếm tỷ lệ 80,00%; tăng 04 đơn vị so với năm 2021)" in out.getvalue()


def test_the_api_example_runs_and_gives_what_its_comments_say() -> None:
    [example] = _blocks("python")
    namespace: dict[str, object] = {}
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(io.StringIO()):
        exec(compile(example, "README.md", "exec"), namespace)  # noqa: S102 - running the documented example
    unit = namespace["unit"]
    assert (unit.total, unit.level.label, unit.rank("khoi")) == (Decimal("118.348"), "Mức I", 1)  # type: ignore[attr-defined]
    assert "# Decimal('118.348'), 'Mức I', 1" in example
    assert "# 'dti_2023'" in example


def test_the_command_table_lists_every_command() -> None:
    section = README[README.index("## Command line"):README.index("## Python API")]
    listed = set(re.findall(r"^\| `cqdt (\w+)", section, flags=re.M))
    assert listed == {spec.name for spec in all_commands()}
