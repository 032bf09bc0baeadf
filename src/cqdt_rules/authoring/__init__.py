"""Tools for people who write rulesets: ruleset tests, the pytest plugin, the sample generator."""
