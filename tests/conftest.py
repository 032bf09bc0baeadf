"""Collect the ruleset test files (*.tests.yaml) also when cqdt-rules is not installed (PYTHONPATH=src); keep the
suite's caches to itself; read each YAML text once per process."""

import atexit
import functools
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import cqdt_rules.authoring.pytest_plugin
from cqdt_rules.data import yaml_units
from cqdt_rules.errors import DataError, Diagnostic
from cqdt_rules.model.units import Assessment

# The suite keeps parser tables and checked rulesets in a private folder of its own, not the user's cache.
if "CQDT_CACHE_DIR" not in os.environ:
    os.environ["CQDT_CACHE_DIR"] = tempfile.mkdtemp(prefix="cqdt-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CQDT_CACHE_DIR"], True)

# The tests read the bundled examples some 600 times, a quarter of the quick subset's time (libyaml alone takes
# about 70 ms per sample file). What a YAML file holds is a function of its bytes, path and encoding alone: a tuple
# of frozen assessments, the problems found and the error that stopped the reading, if any. So each process reads
# a file once and the tests share the result; a file that differs by one byte (every mutated or written file) is
# read afresh, and a refused file is refused every time. A reading told of its progress (``read``: the tests of
# reading itself) always reads the file.
_read_yaml = yaml_units.yaml_assessments
_READ: dict[tuple[str, str | None, bool, bytes], tuple[tuple[Assessment, ...], tuple[Diagnostic, ...], DataError | None]] = {}


def _yaml_assessments_once(path: Path, problems: list[Diagnostic], encoding: str | None = None,
                           read: Callable[[int], None] | None = None, kept: bool = False) -> Iterator[Assessment]:
    try:
        key = (str(path), encoding, kept, hashlib.sha256(Path(path).read_bytes()).digest())
    except OSError:
        key = None
    if read is not None or key is None:
        return _read_yaml(path, problems, encoding, read, kept)
    if key not in _READ:
        found: list[Diagnostic] = []
        units: list[Assessment] = []
        try:
            units.extend(_read_yaml(path, found, encoding, kept=kept))
            error = None
        except DataError as exc:
            error = exc
        if len(_READ) >= 64:
            _READ.pop(next(iter(_READ)))
        _READ[key] = (tuple(units), tuple(found), error)
    return _replay(*_READ[key], problems)


def _replay(units: tuple[Assessment, ...], found: tuple[Diagnostic, ...], error: DataError | None,
            problems: list[Diagnostic]) -> Iterator[Assessment]:
    yield from units
    problems.extend(found)
    if error is not None:
        raise DataError(list(error.diagnostics))


yaml_units.yaml_assessments = _yaml_assessments_once
yaml_units._from_yaml = functools.lru_cache(maxsize=32)(yaml_units._from_yaml)


def pytest_configure(config):  # type: ignore[no-untyped-def]
    if not config.pluginmanager.is_registered(cqdt_rules.authoring.pytest_plugin):
        config.pluginmanager.register(cqdt_rules.authoring.pytest_plugin, "cqdt_rules")
