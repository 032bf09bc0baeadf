"""Hypothesis profiles for the fuzz suite (tests/fuzz/README.md).

The default run uses the fast profile: 10 cases per target (CQDT_FUZZ_CASES), the whole suite in well
under a minute. ``pytest tests/fuzz --hypothesis-profile=fuzz`` runs 10,000 cases per target."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile("fuzz", max_examples=10_000, deadline=None, print_blob=True,
                          suppress_health_check=list(HealthCheck))
