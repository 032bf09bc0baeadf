"""Render one unit's result as text: every node's points, the inputs read, the branch taken, provenance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cqdt_rules.units import Pair

if TYPE_CHECKING:
    from cqdt_rules.results import UnitResult


def _value_text(value: Any) -> str:
    if value is None:
        return "(not assessed)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Pair):
        return f"{value.a}/{value.b}"
    return str(value)


def explain_unit(unit: UnitResult) -> str:
    a = unit.assessment
    lines = [f"{a.code} {a.name} ({unit.tier.id}, {a.year}, {a.source})"
             + (f", district {a.parent}" if a.parent else "")]
    summary = f"total {unit.total} / {unit.max}"
    for name, value in unit.outputs.items():
        summary += f"; {name} = {value}"
    for level in unit.levels.values():
        summary += f"; {level.label}"
        if level.unmet:
            summary += f" (not higher: {'; '.join(level.unmet)})"
    for rank in unit.ranks.values():
        summary += f"; rank {rank.rank}/{rank.of} in {rank.ranking} ({rank.group})"
    lines.append(summary)
    depth: dict[str, int] = {}
    for node in unit.tier.walk():
        for child in node.children:
            depth[child.id] = depth.get(node.id, 0) + 1
    for node_id, result in unit.nodes.items():
        node = unit.tier.node(node_id)
        indent = "  " * (depth.get(node_id, 0) + 1)
        lines.append(f"{indent}{node_id} {node.title}: {result.points} / {result.max}")
        if node.rule is None:
            if "capped" in result.flags:
                lines.append(f"{indent}  {result.branch}")
            continue
        if result.inputs:
            read = ", ".join(f"{name} = {_value_text(value)}" for name, value in result.inputs)
            lines.append(f"{indent}  read: {read}")
        lines.append(f"{indent}  why: {result.branch}")
        if result.flags:
            lines.append(f"{indent}  flags: {', '.join(result.flags)}")
        if node.provenance is not None:
            lines.append(f"{indent}  provenance ({node.provenance.status}): {node.provenance.text}")
    return "\n".join(lines)
