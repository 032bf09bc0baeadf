"""A pytest plugin that collects ruleset test files (``*.tests.yaml``) beside rulesets as test items.

Each case of a test file is one test item; a last item, ``coverage``, fails when the file declares
``min_coverage`` and the cases exercise less (it lists what no case exercised). The plugin is
registered by the ``pytest11`` entry point of ``cqdt-rules``, or from a ``conftest.py`` with::

    from cqdt_rules.authoring.pytest_plugin import pytest_collect_file  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cqdt_rules.authoring.rulesettest import (
    TEST_SUFFIX,
    Case,
    CaseResult,
    RulesetTests,
    format_coverage,
    load_tests,
    measure_coverage,
    ruleset_for,
    run_case,
)
from cqdt_rules.engine import loading
from cqdt_rules.errors import CqdtError

_SEEN = pytest.StashKey[set[Path]]()


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect ``<name>.tests.yaml``; once per path, however many times the hook is registered."""
    if not file_path.name.endswith(TEST_SUFFIX):
        return None
    seen = parent.config.stash.setdefault(_SEEN, set())
    resolved = file_path.resolve()
    if resolved in seen:
        return None
    seen.add(resolved)
    return RulesetTestFile.from_parent(parent, path=file_path)


class RulesetTestFailure(Exception):
    """A case that scored differently from what it expects (or refused data it should accept)."""


class RulesetTestFile(pytest.File):
    """A ``*.tests.yaml`` file: read against its ruleset, one item per case, then coverage."""

    def collect(self) -> Iterator[pytest.Item]:
        try:
            checked = loading.load(ruleset_for(self.path))
            tests = load_tests(self.path, checked)
        except CqdtError as exc:
            raise self.CollectError(exc.render()) from None
        self.checked, self.tests = checked, tests
        self.outcomes: dict[str, CaseResult] = {}
        for case in tests.cases:
            yield RulesetCaseItem.from_parent(self, name=case.name, case=case)
        if tests.min_coverage is not None:
            yield RulesetCoverageItem.from_parent(self, name="coverage")

    def outcome(self, case: Case) -> CaseResult:
        found = self.outcomes.get(case.name)
        if found is None:
            found = self.outcomes[case.name] = run_case(self.checked, case)
        return found


class RulesetCaseItem(pytest.Item):
    def __init__(self, *, case: Case, **kwargs: Any):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        assert isinstance(self.parent, RulesetTestFile)
        outcome = self.parent.outcome(self.case)
        if not outcome.passed:
            raise RulesetTestFailure(outcome.describe())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RulesetTestFailure):
            return f"case '{self.case.name}' ({self.case.location}):\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.span.line - 1, f"ruleset test: {self.case.name}"


class RulesetCoverageItem(pytest.Item):
    """Fails when the cases exercise less of the ruleset than the file's ``min_coverage``."""

    def runtest(self) -> None:
        assert isinstance(self.parent, RulesetTestFile)
        parent = self.parent
        tests: RulesetTests = parent.tests
        outcomes = [parent.outcome(case) for case in tests.cases]
        coverage = measure_coverage(parent.checked, outcomes)
        if tests.min_coverage is not None and coverage.percent < tests.min_coverage:
            raise RulesetTestFailure("\n".join(format_coverage(coverage, tests.min_coverage)))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RulesetTestFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, "ruleset test coverage"
