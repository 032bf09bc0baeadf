"""Collect the ruleset test files (*.tests.yaml) also when cqdt-rules is not installed (PYTHONPATH=src)."""

import cqdt_rules.authoring.pytest_plugin


def pytest_configure(config):  # type: ignore[no-untyped-def]
    if not config.pluginmanager.is_registered(cqdt_rules.authoring.pytest_plugin):
        config.pluginmanager.register(cqdt_rules.authoring.pytest_plugin, "cqdt_rules")
