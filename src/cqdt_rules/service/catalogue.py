"""What the service says about a ruleset: its identity (id, version, hash, status, years, tiers) and
its criteria, each rule, input, level, ranking and output written as in the ruleset language."""

from __future__ import annotations

from typing import Any

from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.language import formatter as f
from cqdt_rules.model import ruleset as m


def summary(checked: CheckedRuleset) -> dict[str, Any]:
    """Id, title, version, status, content hash, assessment years, amended rulesets and tiers."""
    ruleset = checked.ruleset
    header = ruleset.header
    years = None if header.years is None else {"first": header.years[0], "last": header.years[1]}
    return {
        "id": header.id, "title": header.title, "title_en": header.title_en, "version": header.version,
        "status": header.status, "content_hash": ruleset.content_hash, "years": years,
        "legal_source": header.legal_source, "amends": list(ruleset.amends),
        "tiers": [{"id": t.id, "title": t.title, "title_en": t.title_en, "max": str(t.max)} for t in ruleset.tiers],
    }


def detail(checked: CheckedRuleset) -> dict[str, Any]:
    """The summary, the header's settings and every tier's criteria tree."""
    header = checked.ruleset.header
    return {
        **summary(checked),
        "note": header.note,
        "issued": None if header.issued is None else header.issued.isoformat(),
        "effective": None if header.effective is None else header.effective.isoformat(),
        "warnings": len(checked.warnings),
        "appendix": {form: f"/rulesets/{header.id}/appendix?format={form}" for form in ("html", "md")},
        "criteria": [_tier(t) for t in checked.ruleset.tiers],
    }


def _tier(tier: m.Tier) -> dict[str, Any]:
    return {
        "tier": tier.id, "title": tier.title, "max": str(tier.max),
        "nodes": [_node(n) for n in tier.nodes],
        "levels": [{"name": s.name, "label": s.label, "text": "\n".join(f.levels_lines(s))} for s in tier.levels],
        "rankings": [{"name": r.name, "label": r.label, "text": f.ranking_text(r)} for r in tier.rankings],
        "outputs": [{"name": o.name, "label": o.label, "text": f.output_text(o)} for o in tier.outputs],
    }


def _node(node: m.Node) -> dict[str, Any]:
    return {
        "id": node.id, "title": node.title, "title_en": node.title_en, "max": str(node.max),
        "rule": None if node.rule is None else f.rule_text(node.rule),
        "inputs": [_input(ind) for ind in node.inputs],
        "provenance": None if node.provenance is None else {"status": node.provenance.status, "text": node.provenance.text},
        "note": node.note,
        "children": [_node(child) for child in node.children],
    }


def _input(ind: m.Indicator) -> dict[str, Any]:
    return {
        "name": ind.name, "type": ind.kind, "label": ind.label, "unit": ind.unit,
        "categories": [c.name for c in ind.categories], "evidence": ind.evidence, "audit_only": ind.audit_only,
        "text": f.input_text(ind),
    }
