"""What every command shares: exit codes, scoring the files named on the command line, writing text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cqdt_rules.engine.loading import load
from cqdt_rules.engine.results import Results
from cqdt_rules.engine.scoring import score
from cqdt_rules.errors import UsageError
from cqdt_rules.model.units import Assessment

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def score_files(ruleset: str, data: Sequence[str]) -> Results:
    checked = load(ruleset)
    paths = [Path(p) for p in data]
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    return score(checked, read_data(paths))


def read_data(paths: list[Path]) -> tuple[Assessment, ...]:
    """The assessments in these files and folders (the YAML library is imported only when data is read)."""
    from cqdt_rules.data.readers import load_many

    return load_many(paths)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
