"""Where a criterion sits in its tier's tree: its groups, its title in the reader's language."""

from __future__ import annotations

from cqdt_rules.model import ruleset as m


def node_title(node: m.Node, lang: str) -> str:
    return node.title_en if lang == "en" and node.title_en else node.title


def tier_title(tier: m.Tier, lang: str) -> str:
    return tier.title_en if lang == "en" and tier.title_en else tier.title


def leaves(tier: m.Tier) -> list[m.Node]:
    """The scored criteria (nodes with a rule), in the tree's order."""
    return [node for node in tier.walk() if not node.is_group]


def group_at(tier: m.Tier, depth: int = 2) -> dict[str, m.Node]:
    """Criterion id → its ancestor group ``depth`` levels below the tier (1: the top groups such as
    "Điều kiện sẵn sàng"; 2: their groups such as "Mức độ tương tác"); the deepest group there is when
    the criterion sits higher, the criterion itself when it has no group."""
    found: dict[str, m.Node] = {}

    def visit(node: m.Node, path: list[m.Node]) -> None:
        if not node.is_group:
            groups = [p for p in path if p.is_group]
            found[node.id] = groups[min(depth, len(groups)) - 1] if groups else node
            return
        for child in node.children:
            visit(child, path + [node])

    for top in tier.nodes:
        visit(top, [])
    return found
