"""What every command shares: exit codes, scoring the files named on the command line, writing text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cqdt_rules.engine.loading import load, shipped_rulesets
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


def version_text() -> str:
    """``cqdt --version``: the package's version, then each shipped ruleset's id, version and status."""
    from importlib.metadata import PackageNotFoundError, version

    from cqdt_rules.language.parser import parse_source

    try:
        package = version("cqdt-rules")
    except PackageNotFoundError:  # run from a checkout without installing (PYTHONPATH=src)
        package = "unknown (not installed)"
    lines = [f"cqdt-rules {package}"]
    for ruleset_id, path in shipped_rulesets().items():
        header = parse_source(path.read_text(encoding="utf-8"), str(path)).header
        lines.append(f"  {ruleset_id} {header.version or '-'} ({header.status or '-'})")
    return "\n".join(lines) + "\n"


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
