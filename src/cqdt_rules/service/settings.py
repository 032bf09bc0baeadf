"""What a server serves (its rulesets, stored cohorts) and the limits it keeps, fixed at start-up."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from cqdt_rules.data.readers import load_many
from cqdt_rules.engine.loading import CheckedRuleset, load, shipped_rulesets
from cqdt_rules.engine.scoring import score
from cqdt_rules.errors import UsageError
from cqdt_rules.model.units import Assessment

MAX_BODY_BYTES = 4 * 1024 * 1024
"""The largest request body read (4 MiB): a province's 257 units are about 0.3 MiB of JSON."""
MAX_RULESET_BYTES = 1024 * 1024
"""The largest ruleset text accepted in a request (1 MiB): the shipped rulesets are under 80 KiB."""


@attrs.frozen
class Served:
    """A ruleset the server serves, and the name the operator gave it (shown as the results' path)."""

    name: str
    checked: CheckedRuleset
    cohort: tuple[Assessment, ...] = ()

    @property
    def id(self) -> str:
        return self.checked.ruleset.id


@attrs.frozen
class Settings:
    rulesets: Mapping[str, Served]
    max_body_bytes: int = MAX_BODY_BYTES
    max_ruleset_bytes: int = MAX_RULESET_BYTES
    lang: str = "vi"
    """The language of answers whose request does not ask for one (``?lang=``)."""

    @property
    def checked(self) -> dict[str, CheckedRuleset]:
        return {key: served.checked for key, served in self.rulesets.items()}


def load_settings(rulesets: Sequence[str] = (), cohorts: Sequence[str] = (), *, max_body_bytes: int = MAX_BODY_BYTES,
                  max_ruleset_bytes: int = MAX_RULESET_BYTES, lang: str = "vi") -> Settings:
    """Load and check every ruleset to serve (all shipped ones when none is named) and every stored
    cohort (``ID=DATA``: a data file or folder scored with ruleset ID, checked now so that a bad file
    stops the start, not a request)."""
    names = list(rulesets) or list(shipped_rulesets())
    served: dict[str, Served] = {}
    for name in names:
        checked = load(name)
        if checked.ruleset.id in served:
            raise UsageError(f"two rulesets to serve have id '{checked.ruleset.id}': {served[checked.ruleset.id].name}, {name}")
        served[checked.ruleset.id] = Served(name, checked)
        checked.compiled  # compiled at start-up (a loaded ruleset is compiled when first used): no request waits for it
    for spec in cohorts:
        ruleset_id, cohort = _stored_cohort(spec, served)
        served[ruleset_id] = attrs.evolve(served[ruleset_id], cohort=served[ruleset_id].cohort + cohort)
    return Settings(served, max_body_bytes, max_ruleset_bytes, lang)


def _stored_cohort(spec: str, served: Mapping[str, Served]) -> tuple[str, tuple[Assessment, ...]]:
    ruleset_id, sep, data = spec.partition("=")
    if not sep or not data:
        raise UsageError(f"--cohort takes RULESET_ID=DATA (e.g. dti_2023=examples/gialai/dti-2023-audit.yaml), got '{spec}'")
    if ruleset_id not in served:
        raise UsageError(f"--cohort names ruleset '{ruleset_id}', which is not served (served: {', '.join(served)})")
    path = Path(data)
    if not path.exists():
        raise UsageError(f"no such file or folder: {path}")
    assessments = load_many([path])
    score(served[ruleset_id].checked, assessments)  # refuse at start-up what every request would be refused for
    return ruleset_id, assessments


# ---------------------------------------------------------------- worker processes
ENVIRONMENT = "CQDT_SERVE_OPTIONS"
"""Where `cqdt serve --workers N` leaves its options for the worker processes, which load them again."""


def options_json(rulesets: Sequence[str], cohorts: Sequence[str], max_body_bytes: int, max_ruleset_bytes: int,
                 lang: str) -> str:
    return json.dumps({"rulesets": list(rulesets), "cohorts": list(cohorts), "max_body_bytes": max_body_bytes,
                       "max_ruleset_bytes": max_ruleset_bytes, "lang": lang})


def settings_from_json(text: str) -> Settings:
    options = json.loads(text)
    return load_settings(options["rulesets"], options["cohorts"], max_body_bytes=options["max_body_bytes"],
                         max_ruleset_bytes=options["max_ruleset_bytes"], lang=options["lang"])
