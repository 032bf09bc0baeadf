"""A scoring request: the units posted (JSON shaped like a YAML data file), scored in their cohort,
answered with the results document (schema cqdt-results/1) of the posted units only.

The cohort is what the request says: ``"cohort": [...]`` (further units scored with the posted ones,
not returned), ``"cohort": "stored"`` (the cohort the server was started with for that ruleset), or
nothing: then the posted units are the whole cohort, and where a tier normalises a criterion against
its best unit the results say so in ``notes``."""

from __future__ import annotations

import json
from collections.abc import Mapping

import attrs
import yaml

from cqdt_rules.data.json_body import compose_json, plain_document
from cqdt_rules.data.yaml_units import assessments_from_node, assessments_from_plain
from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.engine.results import Results, UnitJson, UnitResult, identity_of, joined_json, results_head
from cqdt_rules.engine.scoring import score
from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError
from cqdt_rules.i18n import translate
from cqdt_rules.model.units import Assessment
from cqdt_rules.service.problems import Problem

REQUEST_PATH = "<request>"
COHORT_FIELD = "cohort"
RULESET_FIELD = "ruleset_text"
STORED = "stored"

@attrs.frozen
class ScoreRequest:
    """A parsed request body: the units to return, the cohort around them, a posted ruleset's text."""

    units: tuple[Assessment, ...]
    cohort: tuple[Assessment, ...] | str | None
    ruleset_text: str | None


def parse_request(text: str, *, positions: bool = True) -> ScoreRequest:
    """Read the JSON body; DataError points into it (``<request>:line:column``), or at 1:1 without
    ``positions`` (see ``data.json_body.compose_json``). Without ``positions``, a body of the plain shape is read
    straight from its values (``_plain_request``), without composing its nodes."""
    if not positions:
        quick = _plain_request(plain_document(text))
        if quick is not None:
            return quick
    root = compose_json(text, REQUEST_PATH, positions=positions)
    extra: dict[str, yaml.Node] = {}
    if isinstance(root, yaml.MappingNode):
        extra = {k.value: v for k, v in root.value if k.value in (COHORT_FIELD, RULESET_FIELD)}
        kept = [(k, v) for k, v in root.value if k.value not in extra]
        root = yaml.MappingNode(root.tag, kept, root.start_mark, root.end_mark)
    units = assessments_from_node(root, REQUEST_PATH)
    cohort = _cohort(extra.get(COHORT_FIELD), root)
    return ScoreRequest(units, cohort, _text(extra.get(RULESET_FIELD)))


def _plain_request(document: object) -> ScoreRequest | None:
    """The request of a body read as plain values (``data.json_body.plain_document``), as ``parse_request`` reads its
    nodes; None when its units, its cohort or its ruleset's text are not of the plain shape, or have a problem that
    reading would report (``yaml_units.assessments_from_plain``)."""
    if type(document) is not dict:
        return None
    rest = {k: v for k, v in document.items() if k not in (COHORT_FIELD, RULESET_FIELD)}
    units = assessments_from_plain(rest, REQUEST_PATH)
    ruleset_text = document.get(RULESET_FIELD)
    if units is None or (RULESET_FIELD in document and type(ruleset_text) is not str):
        return None
    if COHORT_FIELD not in document:
        return ScoreRequest(units, None, ruleset_text)
    cohort = document[COHORT_FIELD]
    if cohort == STORED:
        return ScoreRequest(units, STORED, ruleset_text)
    # the cohort's units take the file-wide defaults (year, source, tier) of the request
    cohort_units = assessments_from_plain({**{k: v for k, v in rest.items() if k != "units"}, "units": cohort},
                                          REQUEST_PATH)
    return None if cohort_units is None else ScoreRequest(units, cohort_units, ruleset_text)


def _cohort(node: yaml.Node | None, root: yaml.Node) -> tuple[Assessment, ...] | str | None:
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode) and node.value == STORED:
        return STORED
    if not isinstance(node, yaml.SequenceNode):
        raise DataError([Diagnostic(_span(node), f"'{COHORT_FIELD}' is a list of units or \"{STORED}\"")])
    # the cohort's units take the file-wide defaults (year, source, tier) of the request
    defaults = [(k, v) for k, v in root.value if k.value != "units"] if isinstance(root, yaml.MappingNode) else []
    units_key = yaml.ScalarNode("tag:yaml.org,2002:str", "units", node.start_mark, node.start_mark)
    wrapped = yaml.MappingNode("tag:yaml.org,2002:map", defaults + [(units_key, node)], node.start_mark, node.end_mark)
    return assessments_from_node(wrapped, REQUEST_PATH)


def _text(node: yaml.Node | None) -> str | None:
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode) or node.style != '"':
        raise DataError([Diagnostic(_span(node), f"'{RULESET_FIELD}' is the ruleset's text, as one JSON string")])
    return str(node.value)


def _span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(REQUEST_PATH, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def score_request(checked: CheckedRuleset, request: ScoreRequest, stored: tuple[Assessment, ...], *,
                  name: str, explain: bool, lang: str) -> str:
    """Score the posted units in their cohort; the results document of the posted units, as JSON text."""
    if not request.units:
        raise UsageError("no units to score: give at least one unit in 'units'")
    cohort = _cohort_units(request, stored, checked.ruleset.id)
    results = score(checked, request.units + cohort)
    posted = {a.key for a in request.units}
    returned = attrs.evolve(results, units=tuple(u for u in results.units if identity_of(u).key in posted))
    notes = [] if request.cohort is not None else _alone_notes(checked, returned, lang)
    return results_document(returned, name, lang if explain else None, notes)


def results_document(results: Results, path: str, explained_in: str | None, notes: list[str]) -> str:
    """The results document answered: ``results.to_json()`` (written by the same writers, each unit's text made
    once) with the ruleset's ``path`` as the server names it, each unit's explanation in ``explained_in`` after
    its fields when asked for, and the ``notes`` after the units when there are any."""
    head = results_head(results.ruleset, results.run_at)
    head["ruleset"]["path"] = path
    texts = UnitJson()

    def unit_texts(unit: UnitResult) -> tuple[str, ...]:
        *most, last = texts.text_parts(unit)
        if explained_in is None:
            return (*most, last)
        # the unit's object ends with its last text: the explanation goes in before the brace
        return (*most, last[:-1], ', "explanation": ', _encoded(unit.explain(explained_in)), "}")

    return joined_json(head, map(unit_texts, results.units), f', "notes": {_encoded(notes)}' if notes else "")


_encoded = json.JSONEncoder(ensure_ascii=False).encode


def _cohort_units(request: ScoreRequest, stored: tuple[Assessment, ...], ruleset_id: str) -> tuple[Assessment, ...]:
    """The cohort's units other than the posted ones (a posted unit replaces its stored record)."""
    if request.cohort is None:
        return ()
    if request.cohort == STORED:
        if not stored:
            raise Problem("not-found", f"this server holds no stored cohort for ruleset '{ruleset_id}': send the cohort's "
                             f"units in '{COHORT_FIELD}' (the server is started with --cohort {ruleset_id}=DATA)")
        candidates: tuple[Assessment, ...] = stored
    elif isinstance(request.cohort, tuple):
        candidates = request.cohort
    else:
        candidates = ()
    posted = {a.key for a in request.units}
    groups = {(a.tier, a.year, a.source) for a in request.units}
    return tuple(a for a in candidates if a.key not in posted and (a.tier, a.year, a.source) in groups)


def _alone_notes(checked: CheckedRuleset, results: Results, lang: str) -> list[str]:
    notes = []
    counts: dict[str, int] = {}
    for unit in results.units:
        counts[unit.tier.id] = counts.get(unit.tier.id, 0) + 1
    for tier_id, count in counts.items():
        normalised = _normalised_criteria(checked, tier_id)
        for within, nodes in normalised.items():
            note = (f"Tier {tier_id}: criteria {', '.join(nodes)} are normalised against the best unit of the {within}; "
                    f"no cohort came with the request, so they were scored against the {count} posted unit(s) alone. "
                    f"Send the cohort in \"{COHORT_FIELD}\", or \"{COHORT_FIELD}\": \"{STORED}\" for the one the server "
                    "holds.")
            notes.append(translate(note, lang))
    return notes


def _normalised_criteria(checked: CheckedRuleset, tier_id: str) -> Mapping[str, list[str]]:
    """The criteria of a tier that read a normalised indicator, by grouping (tier or district)."""
    compiled = checked.compiled.tiers[tier_id]
    declared = {ind.name: ind.node_id for ind in compiled.tier.indicators}
    found: dict[str, list[str]] = {}
    for indicator, within in compiled.normalised:
        found.setdefault(within, []).append(declared[indicator])
    return found
