"""Collect the ruleset test files (*.tests.yaml) also when cqdt-rules is not installed (PYTHONPATH=src)."""

import atexit
import os
import shutil
import tempfile

import cqdt_rules.authoring.pytest_plugin

# The suite keeps parser tables and checked rulesets in a private folder of its own, not the user's cache.
if "CQDT_CACHE_DIR" not in os.environ:
    os.environ["CQDT_CACHE_DIR"] = tempfile.mkdtemp(prefix="cqdt-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CQDT_CACHE_DIR"], True)


def pytest_configure(config):  # type: ignore[no-untyped-def]
    if not config.pluginmanager.is_registered(cqdt_rules.authoring.pytest_plugin):
        config.pluginmanager.register(cqdt_rules.authoring.pytest_plugin, "cqdt_rules")
