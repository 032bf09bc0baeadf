"""Checks across tiers: a district indicator that counts its communes, against the communes' own records.

Which district indicator matches which commune indicator is declared in a small YAML file beside the
ruleset (``crosscheck.yaml``), never in code::

    ruleset: egov_2020
    district_tier: huyen
    commune_tier: xa
    checks:
      - district: xa_hoi_nghi_truyen_hinh   # pair: communes with a video point / communes
        count: hoi_nghi_truyen_hinh         # yes/no: the communes that answer yes
      - district: xa_cong_chuc_cntt
        count: cong_chuc_cntt               # category: the communes whose value is listed
        not_in: [khong_co]
      - district: xa_trang_thanh_phan
        count: muc_thong_tin                # pair: the communes whose share a/b is at least 100%
        at_least: 100%
      - district: to_cong_nghe_so
        sum: to_cong_nghe_so                # pair or number: summed over the communes
      - district: xa_cap_quang
        all: internet_cap_quang             # yes/no: yes when every commune says yes

``count`` against a district pair compares a with the communes counted and b with the communes that
have a record; against a district count or number it compares the value with the communes counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

import attrs
import yaml

from cqdt_rules.analysis.values import format_value
from cqdt_rules.data.yamlfile import compose_yaml
from cqdt_rules.errors import DataError, Diagnostic, RulesetError, Span, UsageError, did_you_mean
from cqdt_rules.formatting import format_count, format_number
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment, Pair
from cqdt_rules.model.checking import check_assessments
from cqdt_rules.tables import cell_text, csv_text, render_table

MAPPING_NAME = "crosscheck.yaml"
AGGREGATES = ("count", "sum", "all", "any")
_CONDITIONS = ("in", "not_in", "at_least", "above")
_KEYS = {"district", "label", "note", "tolerance", *AGGREGATES, *_CONDITIONS}
HUNDRED = Decimal(100)


@attrs.frozen
class Condition:
    """When a commune is counted: yes (yes/no), a listed category, or a value / share reaching a threshold."""

    kind: str  # yes, in, not_in, at_least, above
    categories: tuple[str, ...] = ()
    threshold: Decimal | None = None
    percent: bool = False

    def text(self, lang: str = "vi") -> str:
        if self.kind == "yes":
            return "= có" if lang == "vi" else "= yes"
        if self.kind in ("in", "not_in"):
            word = {"in": ("thuộc", "in"), "not_in": ("không thuộc", "not in")}[self.kind][lang != "vi"]
            return f"{word} {', '.join(self.categories)}"
        assert self.threshold is not None
        sign = "≥" if self.kind == "at_least" else ">"
        return f"{sign} {format_number(self.threshold, lang)}{'%' if self.percent else ''}"


@attrs.frozen
class Check:
    """One declared correspondence between a district indicator and a commune indicator."""

    district: str
    commune: str
    aggregate: str  # count, sum, all, any
    condition: Condition | None
    label: str
    note: str | None = None
    tolerance: Decimal = Decimal(0)
    span: Span = attrs.field(default=Span("<memory>", 0, 0, 0, 0), eq=False)


@attrs.frozen
class CrossCheckSpec:
    ruleset_id: str | None
    district_tier: str
    commune_tier: str
    checks: tuple[Check, ...]
    path: str = attrs.field(default="<memory>", eq=False)


# ================================================================ the mapping file
def mapping_path_for(ruleset_path: str | Path) -> Path:
    """Where a ruleset's mapping lives: ``crosscheck.yaml`` in the ruleset's folder."""
    return Path(ruleset_path).parent / MAPPING_NAME


def load_spec(path: str | Path, ruleset: m.Ruleset) -> CrossCheckSpec:
    """Read and check a mapping file against the ruleset; RulesetError lists every problem with its position."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"no cross-tier mapping file: {path}")
    text = path.read_text(encoding="utf-8")
    return parse_spec(text, ruleset, _shown(path))


def _shown(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_spec(text: str, ruleset: m.Ruleset, path: str = "<memory>") -> CrossCheckSpec:
    problems: list[Diagnostic] = []

    def span(node: yaml.Node) -> Span:
        return Span(path, node.start_mark.line + 1, node.start_mark.column + 1,
                    node.end_mark.line + 1, node.end_mark.column + 1)

    def fail() -> RulesetError:
        return RulesetError(problems, {path: text})

    try:
        root = compose_yaml(text, path)
    except DataError as error:
        problems.extend(error.diagnostics)
        raise fail() from None
    if not isinstance(root, yaml.MappingNode):
        problems.append(Diagnostic(Span(path, 1, 1, 1, 1), "expected a mapping with 'district_tier', 'commune_tier' and 'checks'"))
        raise fail()
    top = {str(k.value): (k, v) for k, v in root.value}
    for name, (key, _) in top.items():
        if name not in ("ruleset", "district_tier", "commune_tier", "checks", "note"):
            problems.append(Diagnostic(span(key), f"unknown field '{name}'",
                                       hint=did_you_mean(name, ["ruleset", "district_tier", "commune_tier", "checks", "note"])))
    ruleset_id = _scalar_text(top.get("ruleset"))
    if ruleset_id is not None and ruleset_id != ruleset.id:
        problems.append(Diagnostic(span(top["ruleset"][1]), f"the mapping is for ruleset '{ruleset_id}', not '{ruleset.id}'"))
    tiers = {t.id: t for t in ruleset.tiers}
    chosen: dict[str, m.Tier] = {}
    for field, default in (("district_tier", "huyen"), ("commune_tier", "xa")):
        name = _scalar_text(top.get(field)) or default
        if name not in tiers:
            where = span(top[field][1]) if field in top else Span(path, 1, 1, 1, 1)
            problems.append(Diagnostic(where, f"ruleset '{ruleset.id}' has no tier '{name}'",
                                       hint=did_you_mean(name, tiers) or f"tiers: {', '.join(tiers)}"))
        else:
            chosen[field] = tiers[name]
    checks_node = top.get("checks", (None, None))[1]
    if not isinstance(checks_node, yaml.SequenceNode):
        problems.append(Diagnostic(span(root), "expected 'checks:' with a list of checks"))
        raise fail()
    if problems:
        raise fail()
    district, commune = chosen["district_tier"], chosen["commune_tier"]
    d_inds = {i.name: i for i in district.indicators}
    c_inds = {i.name: i for i in commune.indicators}
    checks: list[Check] = []
    seen: dict[str, Span] = {}
    for item in checks_node.value:
        check = _parse_check(item, d_inds, c_inds, span, problems)
        if check is None:
            continue
        if check.district in seen:
            problems.append(Diagnostic(check.span, f"'{check.district}' is checked twice", hint=f"first at {seen[check.district]}"))
            continue
        seen[check.district] = check.span
        checks.append(check)
    if problems:
        raise fail()
    return CrossCheckSpec(ruleset_id or ruleset.id, district.id, commune.id, tuple(checks), path)


def _scalar_text(entry: tuple[yaml.Node, yaml.Node] | None) -> str | None:
    if entry is None or not isinstance(entry[1], yaml.ScalarNode):
        return None
    return str(entry[1].value)


def _parse_check(item: yaml.Node, d_inds: Mapping[str, m.Indicator], c_inds: Mapping[str, m.Indicator],
                 span: Any, problems: list[Diagnostic]) -> Check | None:
    if not isinstance(item, yaml.MappingNode):
        problems.append(Diagnostic(span(item), "expected a check: 'district: ...' with 'count', 'sum', 'all' or 'any'"))
        return None
    fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    before = len(problems)
    for key, value in item.value:
        name = str(key.value)
        if name not in _KEYS:
            problems.append(Diagnostic(span(key), f"unknown field '{name}' in a check",
                                       hint=did_you_mean(name, _KEYS) or "fields: " + ", ".join(sorted(_KEYS))))
        fields[name] = (key, value)
    where = span(item)
    d_name = _scalar_text(fields.get("district"))
    if d_name is None:
        problems.append(Diagnostic(where, "the check names no district indicator ('district: ...')"))
        return None
    d_ind = d_inds.get(d_name)
    if d_ind is None:
        problems.append(Diagnostic(span(fields["district"][1]), f"the district tier has no indicator '{d_name}'",
                                   hint=did_you_mean(d_name, d_inds)))
    aggregates = [a for a in AGGREGATES if a in fields]
    if len(aggregates) != 1:
        problems.append(Diagnostic(where, f"a check needs exactly one of {', '.join(AGGREGATES)}"
                                          + (f" (found {', '.join(aggregates)})" if aggregates else "")))
        return None
    aggregate = aggregates[0]
    c_name = _scalar_text(fields[aggregate])
    c_ind = c_inds.get(c_name or "")
    if c_ind is None:
        problems.append(Diagnostic(span(fields[aggregate][1]), f"the commune tier has no indicator '{c_name}'",
                                   hint=did_you_mean(c_name or "", c_inds)))
    if d_ind is None or c_ind is None or c_name is None:
        return None
    condition = _condition(fields, c_ind, aggregate, span, problems)
    _check_kinds(aggregate, d_ind, c_ind, where, problems)
    tolerance = Decimal(0)
    if "tolerance" in fields:
        try:
            tolerance = Decimal(str(fields["tolerance"][1].value))
        except InvalidOperation:
            problems.append(Diagnostic(span(fields["tolerance"][1]), "expected a number for 'tolerance'"))
    if len(problems) > before:
        return None
    return Check(d_name, c_name, aggregate, condition, _scalar_text(fields.get("label")) or d_ind.label,
                 _scalar_text(fields.get("note")), tolerance, where)


def _condition(fields: Mapping[str, tuple[yaml.Node, yaml.Node]], ind: m.Indicator, aggregate: str, span: Any,
               problems: list[Diagnostic]) -> Condition | None:
    given = [c for c in _CONDITIONS if c in fields]
    if aggregate == "sum":
        for name in given:
            problems.append(Diagnostic(span(fields[name][0]), f"'{name}' does not apply to 'sum'"))
        return None
    if len(given) > 1:
        problems.append(Diagnostic(span(fields[given[1]][0]), f"a check takes one condition, found {', '.join(given)}"))
        return None
    if not given:
        if ind.kind == "yesno":
            return Condition("yes")
        problems.append(Diagnostic(span(fields[aggregate][1]),
                                   f"say when a commune counts: '{ind.name}' is {ind.kind}, not yes/no",
                                   hint="add 'in: [...]' or 'not_in: [...]' for a category, 'at_least: N' or 'above: N' "
                                        "(N% for a pair's share) for a number"))
        return None
    name = given[0]
    key, value = fields[name]
    if name in ("in", "not_in"):
        if ind.kind != "category":
            problems.append(Diagnostic(span(key), f"'{name}' needs a category indicator; '{ind.name}' is {ind.kind}"))
            return None
        values = [str(v.value) for v in value.value] if isinstance(value, yaml.SequenceNode) else [str(value.value)]
        allowed = [c.name for c in ind.categories]
        for v in values:
            if v not in allowed:
                problems.append(Diagnostic(span(value), f"'{v}' is not a category of '{ind.name}'",
                                           hint=did_you_mean(v, allowed) or f"categories: {', '.join(allowed)}"))
        return Condition(name, categories=tuple(values))
    if ind.kind in ("yesno", "category"):
        problems.append(Diagnostic(span(key), f"'{name}' needs a number or a pair; '{ind.name}' is {ind.kind}"))
        return None
    text = str(value.value).strip()
    percent = text.endswith("%")
    try:
        threshold = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        problems.append(Diagnostic(span(value), f"expected a number or a percentage for '{name}', got '{text}'"))
        return None
    if ind.kind == "pair" and not percent:
        problems.append(Diagnostic(span(value), f"'{ind.name}' is a pair: give its share as a percentage (e.g. 100%)"))
        return None
    return Condition(name, threshold=threshold, percent=percent)


def _check_kinds(aggregate: str, d_ind: m.Indicator, c_ind: m.Indicator, where: Span, problems: list[Diagnostic]) -> None:
    if aggregate == "count" and d_ind.kind not in ("pair", "count", "number"):
        problems.append(Diagnostic(where, f"'count' needs a district pair or count; '{d_ind.name}' is {d_ind.kind}"))
    elif aggregate in ("all", "any"):
        if d_ind.kind != "yesno":
            problems.append(Diagnostic(where, f"'{aggregate}' needs a district yes/no; '{d_ind.name}' is {d_ind.kind}"))
    elif aggregate == "sum":
        if d_ind.kind == "pair" and c_ind.kind != "pair":
            problems.append(Diagnostic(where, f"summing into the pair '{d_ind.name}' needs a commune pair; "
                                              f"'{c_ind.name}' is {c_ind.kind}"))
        elif d_ind.kind in ("count", "number") and c_ind.kind not in ("count", "number"):
            problems.append(Diagnostic(where, f"summing into '{d_ind.name}' needs a commune count or number; "
                                              f"'{c_ind.name}' is {c_ind.kind}"))
        elif d_ind.kind not in ("pair", "count", "number"):
            problems.append(Diagnostic(where, f"'sum' needs a district pair, count or number; '{d_ind.name}' is {d_ind.kind}"))


# ================================================================ the comparison
@attrs.frozen
class CommuneValue:
    code: str
    name: str
    value: Any
    counted: bool | None  # None for 'sum' (every commune contributes)


@attrs.frozen
class Finding:
    """One district indicator against its communes' records."""

    district_code: str
    district_name: str
    year: int
    check: Check
    declared: Any  # the district's value (Pair, Decimal, bool), None when not assessed
    found: Any  # the communes' aggregate, same shape
    communes: tuple[CommuneValue, ...]

    @property
    def agrees(self) -> bool:
        return not self.differences

    @property
    def differences(self) -> tuple[tuple[str, Any], ...]:
        """(part, district minus communes) for each part that differs beyond the tolerance."""
        declared, found, tolerance = self.declared, self.found, self.check.tolerance
        if declared is None:
            return (("value", None),)
        if isinstance(declared, Pair) and isinstance(found, Pair):
            parts = [("a", declared.a - found.a), ("b", declared.b - found.b)]
            return tuple((p, d) for p, d in parts if abs(d) > tolerance)
        if isinstance(declared, bool):
            return () if declared == found else (("value", None),)
        difference = Decimal(declared) - Decimal(found)
        return () if abs(difference) <= tolerance else (("value", difference),)

    @property
    def not_counted(self) -> tuple[CommuneValue, ...]:
        return tuple(c for c in self.communes if c.counted is False)


@attrs.frozen
class CrossCheckReport:
    spec: CrossCheckSpec
    source: str
    findings: tuple[Finding, ...]
    districts_without_communes: tuple[tuple[str, str, int], ...]
    orphan_communes: tuple[tuple[str, str, str | None], ...]  # communes whose district has no record

    @property
    def differences(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.agrees)


def crosscheck(ruleset: m.Ruleset, spec: CrossCheckSpec, assessments: Iterable[Assessment], *,
               source: str = "self", commune_source: str | None = None) -> CrossCheckReport:
    """Compare every declared district indicator with the aggregate of its communes' records."""
    checked = check_assessments(ruleset, assessments)
    commune_source = commune_source or source
    districts = sorted((a for a in checked if a.tier == spec.district_tier and a.source == source),
                       key=lambda a: (a.year, a.code))
    communes: dict[tuple[str, int], list[Assessment]] = {}
    for a in checked:
        if a.tier == spec.commune_tier and a.source == commune_source:
            communes.setdefault((a.parent or "", a.year), []).append(a)
    if districts and not communes:
        _no_communes(spec, checked, commune_source)
    findings: list[Finding] = []
    empty: list[tuple[str, str, int]] = []
    pairs = {ind.name for ind in ruleset.tier(spec.district_tier).indicators if ind.kind == "pair"}
    for district in districts:
        members = sorted(communes.get((district.code, district.year), []), key=lambda a: a.code)
        if not members:
            empty.append((district.code, district.name, district.year))
            continue
        for check in spec.checks:
            findings.append(_finding(district, members, check, check.district in pairs))
    known = {(d.code, d.year) for d in districts}
    orphans = tuple(sorted((a.code, a.name, a.parent) for key, group in communes.items() if key not in known for a in group))
    return CrossCheckReport(spec, source, tuple(findings), tuple(empty), orphans)


def _no_communes(spec: CrossCheckSpec, checked: Iterable[Assessment], commune_source: str) -> NoReturn:
    """Nothing to compare the districts with: said as the command says it of districts, never as "no differences"."""
    others = sorted({a.source for a in checked if a.tier == spec.commune_tier} - {commune_source})
    raise UsageError(f"no '{commune_source}' records of tier '{spec.commune_tier}' in the data"
                     + (f"; they hold '{others[0]}' records: give --commune-source {others[0]}" if others else
                        f"; name a file with the '{spec.commune_tier}' records"))


def _counts(condition: Condition | None, value: Any) -> bool:
    if value is None or condition is None:
        return False
    if condition.kind == "yes":
        return value is True
    if condition.kind == "in":
        return value in condition.categories
    if condition.kind == "not_in":
        return value not in condition.categories
    assert condition.threshold is not None
    if isinstance(value, Pair):
        if value.b == 0:
            return False
        left, right = value.a * HUNDRED, condition.threshold * value.b
    else:
        left, right = Decimal(value), condition.threshold
    return left >= right if condition.kind == "at_least" else left > right


def _finding(district: Assessment, members: list[Assessment], check: Check, as_pair: bool) -> Finding:
    """The district's value beside its communes' aggregate, shaped like the district indicator
    (a/b for a pair, whether or not the district gave a value)."""
    declared = district.values.get(check.district)
    rows: list[CommuneValue] = []
    if check.aggregate == "sum":
        total_a, total_b = Decimal(0), Decimal(0)
        for c in members:
            value = c.values.get(check.commune)
            rows.append(CommuneValue(c.code, c.name, value, None))
            if isinstance(value, Pair):
                total_a, total_b = total_a + value.a, total_b + value.b
            elif value is not None:
                total_a += Decimal(value)
        found: Any = Pair(total_a, total_b) if as_pair else total_a
    else:
        for c in members:
            value = c.values.get(check.commune)
            rows.append(CommuneValue(c.code, c.name, value, _counts(check.condition, value)))
        counted = sum(1 for r in rows if r.counted)
        if check.aggregate == "all":
            found = counted == len(rows)
        elif check.aggregate == "any":
            found = counted > 0
        elif as_pair:
            found = Pair(Decimal(counted), Decimal(len(rows)))
        else:
            found = Decimal(counted)
    return Finding(district.code, district.name, district.year, check, declared, found, tuple(rows))


# ================================================================ rendering
_TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Kiểm tra chéo chỉ số cấp huyện với hồ sơ cấp xã ({ruleset}, {source}; cách đối chiếu: {mapping})",
        "source_self": "số liệu tự đánh giá", "source_audit": "số liệu thẩm định",
        "h_code": "Mã huyện", "h_name": "Huyện", "h_indicator": "Chỉ số", "h_declared": "Huyện khai",
        "h_found": "Theo hồ sơ xã", "h_diff": "Chênh lệch", "h_year": "Năm",
        "yes": "có", "no": "không", "none": "(chưa đánh giá)",
        "details": "Chi tiết cho Đoàn kiểm tra",
        "detail": "{code} {name} — {indicator} ({label}; đếm xã có {commune} {condition}):",
        "detail_sum": "{code} {name} — {indicator} ({label}; cộng {commune} của các xã):",
        "not_counted": "  xã không được tính ({n}): {units}",
        "all_counted": "  mọi xã có hồ sơ đều được tính ({n} xã)",
        "per_commune": "  từng xã: {units}",
        "summary": "{diff} chỉ số lệch trên {total} chỉ số được đối chiếu ở {districts} huyện.",
        "no_communes": "Huyện không có hồ sơ cấp xã trong dữ liệu (không đối chiếu được): {units}.",
        "orphans": "Xã có hồ sơ nhưng không có hồ sơ của huyện ({n}): {units}.",
        "all_agree": "Không có chênh lệch.",
    },
    "en": {
        "title": "District indicators against the communes' records ({ruleset}, {source}; mapping: {mapping})",
        "source_self": "self-assessed values", "source_audit": "audited values",
        "h_code": "District", "h_name": "Name", "h_indicator": "Indicator", "h_declared": "District says",
        "h_found": "Communes' records", "h_diff": "Difference", "h_year": "Year",
        "yes": "yes", "no": "no", "none": "(not assessed)",
        "details": "Details for the audit team",
        "detail": "{code} {name} — {indicator} ({label}; communes counted when {commune} {condition}):",
        "detail_sum": "{code} {name} — {indicator} ({label}; sum of the communes' {commune}):",
        "not_counted": "  communes not counted ({n}): {units}",
        "all_counted": "  every commune with a record is counted ({n})",
        "per_commune": "  per commune: {units}",
        "summary": "{diff} of {total} indicators checked differ, in {districts} districts.",
        "no_communes": "Districts with no commune records in the data (cannot be checked): {units}.",
        "orphans": "Communes whose district has no record ({n}): {units}.",
        "all_agree": "No differences.",
    },
}


def _value_text(value: Any, lang: str) -> str:
    return format_value(value, lang, missing=_TEXT[lang]["none"])


def _difference_text(finding: Finding, lang: str) -> str:
    parts = []
    for part, delta in finding.differences:
        if delta is None:
            parts.append("≠")
            continue
        text = format_number(delta, lang)
        text = ("+" + text) if delta > 0 else text
        parts.append(text if part == "value" else f"{part} {text}")
    return ", ".join(parts)


def crosscheck_table(report: CrossCheckReport, lang: str = "vi", show_all: bool = False) -> str:
    t = _TEXT[lang]
    lines = [t["title"].format(ruleset=report.spec.ruleset_id, source=t["source_" + report.source]
                               if report.source in ("self", "audit") else report.source, mapping=report.spec.path), ""]
    shown = report.findings if show_all else report.differences
    if shown:
        header = [t["h_code"], t["h_name"], t["h_year"], t["h_indicator"], t["h_declared"], t["h_found"], t["h_diff"]]
        rows = [[f.district_code, f.district_name, str(f.year), f.check.district, _value_text(f.declared, lang),
                 _value_text(f.found, lang), _difference_text(f, lang) if not f.agrees else "0"] for f in shown]
        lines.append(render_table(header, rows, right={4, 5, 6}))
    else:
        lines.append(t["all_agree"])
    if report.differences:
        lines += ["", t["details"]]
        for f in report.differences:
            fields = dict(code=f.district_code, name=f.district_name, indicator=f.check.district, label=f.check.label,
                          commune=f.check.commune,
                          condition=f.check.condition.text(lang) if f.check.condition else "")
            if f.check.aggregate == "sum":
                lines.append(t["detail_sum"].format(**fields))
                units = "; ".join(f"{c.code} {c.name} {_value_text(c.value, lang)}" for c in f.communes)
                lines.append(t["per_commune"].format(units=units))
            else:
                lines.append(t["detail"].format(**fields))
                missing = f.not_counted
                if missing:
                    units = "; ".join(f"{c.code} {c.name} ({_value_text(c.value, lang)})" for c in missing)
                    lines.append(t["not_counted"].format(n=format_count(len(missing), lang), units=units))
                else:
                    lines.append(t["all_counted"].format(n=format_count(len(f.communes), lang)))
            if f.check.note:
                lines.append(f"  {f.check.note}")
    lines.append("")
    districts = len({(f.district_code, f.year) for f in report.findings})
    lines.append(t["summary"].format(diff=format_count(len(report.differences), lang),
                                     total=format_count(len(report.findings), lang),
                                     districts=format_count(districts, lang)))
    if report.districts_without_communes:
        lines.append(t["no_communes"].format(units=", ".join(f"{c} {n} ({y})" for c, n, y in report.districts_without_communes)))
    if report.orphan_communes:
        lines.append(t["orphans"].format(n=format_count(len(report.orphan_communes), lang),
                                         units=", ".join(f"{c} {n} (huyện {p or '—'})" if lang == "vi" else f"{c} {n} (district {p or '—'})"
                                                         for c, n, p in report.orphan_communes)))
    return "\n".join(lines) + "\n"


def crosscheck_csv(report: CrossCheckReport, show_all: bool = True) -> str:
    columns = ["year", "district_code", "district_name", "indicator", "commune_indicator", "aggregate",
               "declared", "found", "agrees", "difference", "communes_not_counted"]
    return csv_text(columns, (
        [f.year, f.district_code, f.district_name, f.check.district, f.check.commune, f.check.aggregate,
         cell_text(f.declared), cell_text(f.found), "yes" if f.agrees else "no",
         "; ".join(f"{p}: {'' if d is None else d}" for p, d in f.differences),
         "; ".join(c.code for c in f.not_counted)]
        for f in (report.findings if show_all else report.differences)))

