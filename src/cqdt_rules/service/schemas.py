"""JSON schemas of what the service reads and writes, as used in its OpenAPI description."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

TEXT: Schema = {"type": "string"}
NULLABLE_TEXT: Schema = {"type": ["string", "null"]}
DECIMAL: Schema = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "a decimal number as text, with a point"}
SCALAR: Schema = {"type": ["string", "number", "integer", "boolean", "null"]}
READ_AS_TEXT: Schema = {
    "type": ["string", "number", "integer", "boolean", "null"],
    "description": "read as text, as in a YAML data file (23575 and \"23575\" are the same code); null: not given",
}
SOURCE: Schema = {**READ_AS_TEXT, "description": "self (self-assessed) or audit (verified by the audit team); null: not given"}
YEAR: Schema = {
    "description": "the assessment year, four digits (e.g. 2023); null or \"\": not given",
    "anyOf": [{"type": "integer", "minimum": 1000, "maximum": 9999}, {"type": "string", "pattern": r"^\s*([0-9]{4})?\s*$"},
              {"type": "null"}],
}

VALUE: Schema = {
    "description": "an indicator value as a data file writes it: yes/no (true, false, \"có\", ...), a number, "
                   "a category's name, a pair as [a, b], {\"a\": .., \"b\": ..} or \"a/b\"; null for missing",
    "anyOf": [
        SCALAR,
        {"type": "array", "items": SCALAR, "maxItems": 2},
        {"type": "object", "properties": {"a": SCALAR, "b": SCALAR}, "additionalProperties": False},
    ],
}
UNIT: Schema = {
    "type": "object",
    "description": "one assessment: a unit's values for one year and source (fields as in the YAML data files)",
    "required": ["code", "name"],
    "properties": {
        "code": READ_AS_TEXT, "name": READ_AS_TEXT, "tier": READ_AS_TEXT, "parent": READ_AS_TEXT, "year": YEAR,
        "source": SOURCE,
        "values": {"type": "object", "additionalProperties": VALUE},
        "evidence": {"type": "object", "additionalProperties": {
            "description": "a reference (document number, file name, link) or a list of them",
            "anyOf": [READ_AS_TEXT, {"type": "array", "items": READ_AS_TEXT}]}},
        "note": READ_AS_TEXT,
    },
    "additionalProperties": False,
}
UNITS: Schema = {"type": "array", "items": {"$ref": "#/components/schemas/Unit"}}
_SCORE_FIELDS: Schema = {
    "year": YEAR, "source": SOURCE, "tier": READ_AS_TEXT, "note": READ_AS_TEXT,
    "ruleset": {**READ_AS_TEXT, "description": "a label, as in a data file: it does not choose the ruleset"},
    "units": {**UNITS, "minItems": 1, "description": "the units whose results are returned (at least one)"},
    "cohort": {
        "description": "the rest of the posted units' cohort, scored with them but not returned (a posted unit replaces "
                       "a cohort record with the same code, year and source); \"stored\" for the cohort the server holds; "
                       "absent: the posted units are the whole cohort",
        "anyOf": [UNITS, {"type": "string", "enum": ["stored"]}],
    },
}
SCORE_REQUEST: Schema = {
    "type": "object", "required": ["units"], "properties": _SCORE_FIELDS, "additionalProperties": False,
    "description": "units to score; year, source and tier at the top apply to every unit that does not give its own",
}
POSTED_SCORE_REQUEST: Schema = {
    "type": "object", "required": ["ruleset_text", "units"],
    "properties": {"ruleset_text": {"type": "string", "description": "a ruleset in the cqdt language; it may amend "
                                                                     "only a served ruleset, by id"},
                   **_SCORE_FIELDS},
    "additionalProperties": False,
}

DIAGNOSTIC: Schema = {
    "type": "object",
    "required": ["severity", "message", "hint", "path", "line", "column", "end_line", "end_column"],
    "properties": {
        "severity": {"type": "string", "enum": ["error", "warning"]}, "message": TEXT, "hint": NULLABLE_TEXT,
        "path": TEXT, "line": {"type": "integer"}, "column": {"type": "integer"},
        "end_line": {"type": "integer"}, "end_column": {"type": "integer"},
    },
}
PROBLEM: Schema = {
    "type": "object", "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": TEXT, "title": TEXT, "status": {"type": "integer"}, "detail": TEXT, "instance": TEXT,
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Diagnostic"}},
        "error_count": {"type": "integer"},
    },
}

_TIER_SUMMARY: Schema = {
    "type": "object", "required": ["id", "title", "max"],
    "properties": {"id": TEXT, "title": TEXT, "title_en": NULLABLE_TEXT, "max": DECIMAL},
}
RULESET_SUMMARY: Schema = {
    "type": "object",
    "required": ["id", "title", "version", "status", "content_hash", "years", "amends", "tiers"],
    "properties": {
        "id": TEXT, "title": TEXT, "title_en": NULLABLE_TEXT, "version": NULLABLE_TEXT, "status": NULLABLE_TEXT,
        "content_hash": TEXT, "legal_source": NULLABLE_TEXT, "amends": {"type": "array", "items": TEXT},
        "years": {"anyOf": [{"type": "null"}, {"type": "object", "required": ["first", "last"], "properties": {
            "first": {"type": "integer"}, "last": {"type": ["integer", "null"]}}}]},
        "tiers": {"type": "array", "items": _TIER_SUMMARY},
    },
}
_INPUT: Schema = {
    "type": "object", "required": ["name", "type", "label", "text"],
    "properties": {"name": TEXT, "type": TEXT, "label": TEXT, "unit": NULLABLE_TEXT,
                   "categories": {"type": "array", "items": TEXT}, "evidence": NULLABLE_TEXT,
                   "audit_only": {"type": "boolean"}, "text": TEXT},
}
_NAMED_TEXT: Schema = {"type": "object", "required": ["name", "label", "text"],
                       "properties": {"name": TEXT, "label": TEXT, "text": TEXT}}
CRITERION: Schema = {
    "type": "object", "required": ["id", "title", "max", "rule", "inputs", "children"],
    "properties": {
        "id": TEXT, "title": TEXT, "title_en": NULLABLE_TEXT, "max": DECIMAL,
        "rule": {**NULLABLE_TEXT, "description": "the scoring rule as written in the ruleset; null for a group"},
        "inputs": {"type": "array", "items": _INPUT},
        "provenance": {"anyOf": [{"type": "null"}, {"type": "object", "properties": {"status": TEXT, "text": TEXT}}]},
        "note": NULLABLE_TEXT,
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Criterion"}},
    },
}
RULESET_DETAIL: Schema = {
    "allOf": [{"$ref": "#/components/schemas/RulesetSummary"}, {
        "type": "object", "required": ["criteria"],
        "properties": {
            "note": NULLABLE_TEXT, "issued": NULLABLE_TEXT, "effective": NULLABLE_TEXT, "warnings": {"type": "integer"},
            "appendix": {"type": "object", "description": "where the ruleset is rendered as the decision's appendix "
                                                          "table (paths on this server)",
                         "properties": {"html": TEXT, "md": TEXT}},
            "criteria": {"type": "array", "items": {
                "type": "object", "required": ["tier", "title", "max", "nodes"],
                "properties": {"tier": TEXT, "title": TEXT, "max": DECIMAL,
                               "nodes": {"type": "array", "items": {"$ref": "#/components/schemas/Criterion"}},
                               "levels": {"type": "array", "items": _NAMED_TEXT},
                               "rankings": {"type": "array", "items": _NAMED_TEXT},
                               "outputs": {"type": "array", "items": _NAMED_TEXT}}}},
        },
    }],
}
RULESET_LIST: Schema = {"type": "object", "required": ["rulesets"], "properties": {
    "rulesets": {"type": "array", "items": {"$ref": "#/components/schemas/RulesetSummary"}}}}
CHECK_RESULT: Schema = {
    "type": "object", "required": ["valid", "ruleset", "diagnostics"],
    "properties": {"valid": {"type": "boolean", "const": True},
                   "ruleset": {"$ref": "#/components/schemas/RulesetSummary"},
                   "diagnostics": {"type": "array", "items": {"$ref": "#/components/schemas/Diagnostic"},
                                   "description": "warnings (a ruleset with errors is answered with a problem)"}},
}
HEALTH: Schema = {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "const": "ok"}}}
VERSION: Schema = {
    "type": "object", "required": ["package", "version", "results_schema", "rulesets"],
    "properties": {"package": TEXT, "version": TEXT, "results_schema": TEXT,
                   "rulesets": {"type": "array", "items": {"type": "object", "required": ["id", "version", "content_hash"],
                                                           "properties": {"id": TEXT, "version": NULLABLE_TEXT,
                                                                          "content_hash": TEXT}}}},
}

# What the service adds to the results document (schema cqdt-results/1, engine/cqdt-results.schema.json,
# whose stability promise allows added fields): notes, and each unit's explanation on request.
SCORE_RESULTS: Schema = {
    "allOf": [{"$ref": "#/components/schemas/Results"}, {
        "type": "object",
        "properties": {
            "notes": {"type": "array", "items": TEXT,
                      "description": "what the reader must know, e.g. that normalised criteria were scored against "
                                     "the posted units alone"},
            "units": {"type": "array", "items": {"type": "object", "properties": {
                "explanation": {**TEXT, "description": "with explain=true: why the unit got its points, as `cqdt "
                                                       "explain` prints it"}}}},
        },
    }],
}
