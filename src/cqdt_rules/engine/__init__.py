"""Scoring: a checked ruleset compiled to closures, evaluated per cohort into results and explanations."""
