"""Collect the ruleset test files (*.tests.yaml) also when cqdt-rules is not installed (PYTHONPATH=src); keep the
suite's caches to itself; read each YAML text once per process."""

import atexit
import functools
import os
import shutil
import tempfile

import cqdt_rules.authoring.pytest_plugin
from cqdt_rules.data import yaml_units

# The suite keeps parser tables and checked rulesets in a private folder of its own, not the user's cache.
if "CQDT_CACHE_DIR" not in os.environ:
    os.environ["CQDT_CACHE_DIR"] = tempfile.mkdtemp(prefix="cqdt-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CQDT_CACHE_DIR"], True)

# The tests read the bundled examples some 600 times, a quarter of the quick subset's time (libyaml alone takes
# about 70 ms per sample file). What a YAML text holds is a function of the text and its path alone, and it is a
# tuple of frozen assessments, so each process reads a text once and the tests share the result; a text that
# differs by one byte (every mutated or written file) is read afresh, and a refused text is refused every time.
yaml_units._from_yaml = functools.lru_cache(maxsize=32)(yaml_units._from_yaml)


def pytest_configure(config):  # type: ignore[no-untyped-def]
    if not config.pluginmanager.is_registered(cqdt_rules.authoring.pytest_plugin):
        config.pluginmanager.register(cqdt_rules.authoring.pytest_plugin, "cqdt_rules")
