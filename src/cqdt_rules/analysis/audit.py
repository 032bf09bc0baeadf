"""Audit against self-assessment: score a unit's self-assessed and audited values side by side.

Communes pass three stages: self-assessment, the district's verification, the province's audit. Where a
unit has a district record, it is scored too (completed with the self-assessed values it leaves out),
and the differences are shown at each step: self → district, district → audit.

Per unit and criterion: the points claimed (self-assessment), the points verified (audit), the
difference, the values that changed, the evidence the criterion requires and which is missing.
Audited values win where both exist; an indicator the audit record leaves out keeps the
self-assessed value and is flagged as not re-checked. A unit with no audited record is reported
as not audited, never passed as if it had been verified.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from cqdt_rules.analysis.values import format_value
from cqdt_rules.engine import loading, scoring
from cqdt_rules.engine.results import Results, UnitResult, identity_of
from cqdt_rules.formatting import format_count, format_number
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import SOURCES, Assessment
from cqdt_rules.tables import cell_text, csv_writer, render_table

AUDITED, NOT_AUDITED, AUDIT_ONLY = "audited", "not_audited", "audit_only"


@attrs.frozen
class CriterionAudit:
    """One criterion of one unit: claimed and verified points, values, evidence."""

    node_id: str
    title: str
    max: Decimal
    claimed: Decimal | None
    verified: Decimal | None
    claimed_values: tuple[tuple[str, Any], ...]
    verified_values: tuple[tuple[str, Any], ...]
    evidence_required: tuple[tuple[str, str], ...]  # (indicator, what the ruleset asks for)
    evidence_given: tuple[tuple[str, tuple[str, ...]], ...]  # in the record that counts
    evidence_added: tuple[tuple[str, tuple[str, ...]], ...]  # in the audit record, not in the self-assessment
    missing_evidence: tuple[tuple[str, str], ...]
    verified_flags: tuple[str, ...] = ()
    claimed_flags: tuple[str, ...] = ()
    not_rechecked: tuple[str, ...] = ()  # indicators whose self-assessed value was kept
    district: Decimal | None = None  # points after the district's verification, when there is one

    @property
    def difference(self) -> Decimal | None:
        if self.claimed is None or self.verified is None:
            return None
        return self.verified - self.claimed

    @property
    def changed_values(self) -> tuple[tuple[str, Any, Any], ...]:
        claimed = dict(self.claimed_values)
        return tuple((name, claimed.get(name), value) for name, value in self.verified_values
                     if name in claimed and claimed.get(name) != value)


@attrs.frozen
class UnitAudit:
    code: str
    name: str
    tier: str
    year: int
    parent: str | None
    status: str  # audited, not_audited, audit_only
    claimed: UnitResult | None = attrs.field(eq=False, repr=False)
    verified: UnitResult | None = attrs.field(eq=False, repr=False)
    criteria: tuple[CriterionAudit, ...]
    district: UnitResult | None = attrs.field(default=None, eq=False, repr=False)

    def steps(self) -> tuple[tuple[str, Decimal | None], ...]:
        """(stage, total) for self, district (when verified by one) and audit, in order."""
        found: list[tuple[str, Decimal | None]] = [("self", self.claimed_total)]
        if self.district is not None:
            found.append(("district", self.district.total))
        found.append(("audit", self.verified_total))
        return tuple(found)

    @property
    def claimed_total(self) -> Decimal | None:
        return None if self.claimed is None else self.claimed.total

    @property
    def verified_total(self) -> Decimal | None:
        return None if self.verified is None else self.verified.total

    @property
    def difference(self) -> Decimal | None:
        if self.claimed is None or self.verified is None:
            return None
        return self.verified.total - self.claimed.total

    @property
    def adjusted(self) -> tuple[CriterionAudit, ...]:
        """Criteria whose verified points differ from the claimed points."""
        return tuple(c for c in self.criteria if c.difference)

    @property
    def missing_evidence(self) -> tuple[CriterionAudit, ...]:
        return tuple(c for c in self.criteria if c.missing_evidence)

    @property
    def not_rechecked(self) -> tuple[str, ...]:
        return tuple(name for c in self.criteria for name in c.not_rechecked)


@attrs.frozen
class AuditReport:
    ruleset: m.Ruleset = attrs.field(eq=False, repr=False)
    units: tuple[UnitAudit, ...]
    claimed: Results = attrs.field(eq=False, repr=False)

    def unit(self, code: str, year: int | None = None) -> UnitAudit:
        from cqdt_rules.errors import UsageError, did_you_mean

        found = [u for u in self.units if u.code == code and (year is None or u.year == year)]
        if not found:
            hint = did_you_mean(code, {u.code for u in self.units})
            raise UsageError(f"no unit '{code}' in the data" + (f"; {hint}" if hint else ""))
        if len(found) > 1:
            raise UsageError(f"unit '{code}' is assessed in several years ({', '.join(str(u.year) for u in found)}): name --year")
        return found[0]

    @property
    def not_audited(self) -> tuple[UnitAudit, ...]:
        return tuple(u for u in self.units if u.status == NOT_AUDITED)


# ================================================================ the comparison
def reconcile(claimed: Assessment, audited: Assessment) -> tuple[Assessment, tuple[str, ...]]:
    """The audited record completed with self-assessed values where the audit record has none.

    Returns the merged record (source ``audit``) and the indicators carried over from the
    self-assessment. Evidence: the audit record's references for an indicator when it lists the
    indicator (an empty list rejects the evidence), else the self-assessment's.
    """
    values: dict[str, Any] = dict(audited.values)
    spans = dict(audited.value_spans)
    carried: list[str] = []
    for name, value in claimed.values.items():
        if _blank(values.get(name)) and not _blank(value):
            values[name] = value
            carried.append(name)
            if name in claimed.value_spans:
                spans[name] = claimed.value_spans[name]
    evidence = dict(claimed.evidence)
    evidence.update(audited.evidence)
    merged = attrs.evolve(audited, values=values, evidence=evidence, value_spans=spans,
                          parent=audited.parent or claimed.parent, name=audited.name or claimed.name)
    return merged, tuple(carried)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def audit(ruleset: loading.CheckedRuleset | m.Ruleset, assessments: Iterable[Assessment]) -> AuditReport:
    """Score self-assessed and audited values and compare them, unit by unit and criterion by criterion."""
    records = list(assessments)
    by_key: dict[tuple[str, int], dict[str, Assessment]] = {}
    extras: list[Assessment] = []  # records the checker must see to refuse them (duplicates, unknown sources)
    for record in records:
        sources = by_key.setdefault((record.code, record.year), {})
        if record.source not in SOURCES or record.source in sources:
            extras.append(record)
        else:
            sources[record.source] = record
    to_score: list[Assessment] = []
    carried: dict[tuple[str, int], tuple[str, ...]] = {}
    for key, sources in by_key.items():
        if "self" in sources:
            to_score.append(sources["self"])
        earlier = sources.get("self")
        if "district" in sources:
            checked = reconcile(earlier, sources["district"])[0] if earlier is not None else sources["district"]
            to_score.append(checked)
            earlier = checked
        if "audit" in sources:
            if earlier is not None:
                merged, carried[key] = reconcile(earlier, sources["audit"])
            else:
                merged = sources["audit"]
            to_score.append(merged)
    results = scoring.score(ruleset, to_score + extras)
    model = ruleset.ruleset if isinstance(ruleset, loading.CheckedRuleset) else ruleset
    found: dict[tuple[str, int, str], UnitResult] = {(u.code, identity_of(u).year, identity_of(u).source): u for u in results}
    units = []
    for (code, year), sources in sorted(by_key.items(), key=lambda item: _unit_order(model, item[1])):
        claimed = found.get((code, year, "self"))
        verified = found.get((code, year, "audit"))
        district = found.get((code, year, "district"))
        if claimed is None and verified is None:
            continue
        status = AUDITED if claimed and verified else NOT_AUDITED if claimed else AUDIT_ONLY
        sample = verified or claimed
        assert sample is not None
        units.append(UnitAudit(
            code=code, name=sample.name, tier=sample.tier.id, year=year, parent=sample.parent, status=status,
            claimed=claimed, verified=verified, district=district,
            criteria=_criteria(sample.tier, claimed, verified, carried.get((code, year), ()), district),
        ))
    return AuditReport(model, tuple(units), results)


def _unit_order(ruleset: m.Ruleset, sources: Mapping[str, Assessment]) -> tuple[Any, ...]:
    record = next(iter(sources.values()))
    tiers = [t.id for t in ruleset.tiers]
    return (tiers.index(record.tier) if record.tier in tiers else len(tiers), record.parent or "", record.code, record.year)


def _criteria(tier: m.Tier, claimed: UnitResult | None, verified: UnitResult | None,
              carried: Sequence[str], district: UnitResult | None = None) -> tuple[CriterionAudit, ...]:
    indicators = {ind.name: ind for ind in tier.indicators}
    effective = verified or claimed
    assert effective is not None
    rows = []
    for node in tier.walk():
        if node.is_group:
            continue
        names = m.rule_indicators(node.rule) if node.rule is not None else ()
        names = names or tuple(i.name for i in node.inputs)
        required = tuple((n, indicators[n].evidence or "") for n in names if n in indicators and indicators[n].evidence_required)
        given = tuple((n, tuple(identity_of(effective).evidence.get(n, ()))) for n in names
                      if identity_of(effective).evidence.get(n))
        added: list[tuple[str, tuple[str, ...]]] = []
        if claimed is not None and verified is not None:
            for n in names:
                new = tuple(r for r in identity_of(verified).evidence.get(n, ()) if r not in identity_of(claimed).evidence.get(n, ()))
                if new:
                    added.append((n, new))
        missing = tuple((n, what) for n, what in required if not identity_of(effective).evidence.get(n)
                        and indicators[n].needs_evidence(effective.assessment.values.get(n)))
        c_node = claimed.nodes[node.id] if claimed is not None else None
        v_node = verified.nodes[node.id] if verified is not None else None
        rows.append(CriterionAudit(
            node_id=node.id, title=node.title, max=node.max,
            claimed=None if c_node is None else c_node.points,
            verified=None if v_node is None else v_node.points,
            claimed_values=() if claimed is None else tuple((n, claimed.assessment.values.get(n)) for n in names),
            verified_values=() if verified is None else tuple((n, verified.assessment.values.get(n)) for n in names),
            evidence_required=required, evidence_given=given, evidence_added=tuple(added), missing_evidence=missing,
            verified_flags=() if v_node is None else v_node.flags, claimed_flags=() if c_node is None else c_node.flags,
            not_rechecked=tuple(n for n in names if n in carried),
            district=None if district is None else district.nodes[node.id].points,
        ))
    return tuple(rows)


# ================================================================ rendering
_TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Đối chiếu kết quả tự đánh giá và kết quả thẩm định",
        "tier": "Khối {id}: {title} — năm {year}",
        "h_code": "Mã", "h_name": "Đơn vị", "h_claimed": "Tự chấm", "h_verified": "Thẩm định", "h_diff": "Chênh lệch",
        "h_level_claimed": "Mức tự ĐG", "h_level_verified": "Mức thẩm định", "h_adjusted": "TC điều chỉnh",
        "h_missing": "Thiếu KC", "h_status": "Trạng thái", "h_node": "Tiêu chí", "h_max": "Tối đa", "h_note": "Ghi chú",
        "h_district": "Huyện thẩm tra", "h_step": "± huyện", "h_step_audit": "± thẩm định",
        "steps": "Qua từng bước: {steps}.",
        "stage_self": "tự chấm", "stage_district": "huyện thẩm tra", "stage_audit": "thẩm định",
        AUDITED: "đã thẩm định", NOT_AUDITED: "CHƯA THẨM ĐỊNH", AUDIT_ONLY: "không có bản tự đánh giá",
        "not_audited_line": "{n} đơn vị chưa có kết quả thẩm định (không được coi là đạt; điểm tự chấm chưa được xác nhận): {units}.",
        "all_audited": "Tất cả {n} đơn vị đã có kết quả thẩm định.",
        "unit": "{code} {name} ({tier}, năm {year})",
        "unit_totals": "Tự chấm {claimed} điểm ({claimed_level}) → thẩm định {verified} điểm ({verified_level}); chênh lệch {diff}.",
        "unit_not_audited": "CHƯA CÓ KẾT QUẢ THẨM ĐỊNH: tự chấm {claimed} điểm ({claimed_level}), chưa được xác nhận.",
        "unit_audit_only": "Không có bản tự đánh giá: thẩm định {verified} điểm ({verified_level}).",
        "value": "{name}: {old} → {new}",
        "not_rechecked": "giữ số liệu tự đánh giá: {names}",
        "missing": "thiếu kiểm chứng: {names}",
        "added": "bổ sung kiểm chứng: {names}",
        "evidence": "Tài liệu kiểm chứng",
        "ev_line": "{node} {name}: yêu cầu «{what}»; {status}",
        "ev_ok": "đã có: {refs}",
        "ev_missing": "CÒN THIẾU",
        "ev_added": " (bổ sung khi thẩm định: {refs})",
        "no_evidence_required": "Không có tiêu chí nào yêu cầu tài liệu kiểm chứng.",
        "yes": "có", "no": "không", "none": "—",
        "shown": "{n} tiêu chí có chênh lệch, số liệu điều chỉnh, bổ sung hoặc thiếu kiểm chứng (dùng --all để xem tất cả).",
    },
    "en": {
        "title": "Self-assessment against audit",
        "tier": "Tier {id}: {title} — {year}",
        "h_code": "Code", "h_name": "Unit", "h_claimed": "Claimed", "h_verified": "Verified", "h_diff": "Difference",
        "h_level_claimed": "Level claimed", "h_level_verified": "Level verified", "h_adjusted": "Adjusted",
        "h_missing": "No evidence", "h_status": "Status", "h_node": "Criterion", "h_max": "Max", "h_note": "Note",
        "h_district": "District", "h_step": "± district", "h_step_audit": "± audit",
        "steps": "Step by step: {steps}.",
        "stage_self": "claimed", "stage_district": "district", "stage_audit": "audit",
        AUDITED: "audited", NOT_AUDITED: "NOT AUDITED", AUDIT_ONLY: "no self-assessment",
        "not_audited_line": "{n} units have no audited record (not passed; their claimed points are unverified): {units}.",
        "all_audited": "All {n} units have an audited record.",
        "unit": "{code} {name} ({tier}, {year})",
        "unit_totals": "Claimed {claimed} points ({claimed_level}) → verified {verified} points ({verified_level}); difference {diff}.",
        "unit_not_audited": "NO AUDITED RECORD: claimed {claimed} points ({claimed_level}), unverified.",
        "unit_audit_only": "No self-assessment: verified {verified} points ({verified_level}).",
        "value": "{name}: {old} → {new}",
        "not_rechecked": "self-assessed value kept: {names}",
        "missing": "evidence missing: {names}",
        "added": "evidence added: {names}",
        "evidence": "Evidence",
        "ev_line": "{node} {name}: requires “{what}”; {status}",
        "ev_ok": "given: {refs}",
        "ev_missing": "MISSING",
        "ev_added": " (added at audit: {refs})",
        "no_evidence_required": "No criterion requires evidence.",
        "yes": "yes", "no": "no", "none": "—",
        "shown": "{n} with a difference, a changed value, evidence added or missing (use --all to see every criterion).",
    },
}


def _signed(value: Decimal | None, lang: str, digits: int | None = None) -> str:
    if value is None:
        return "—"
    text = format_number(value, lang, digits)
    return ("+" + text) if value > 0 else text


def _digits(unit: UnitAudit, ruleset: m.Ruleset) -> int | None:
    tier = ruleset.tier(unit.tier)
    rounding = tier.total_rounding or ruleset.header.rounding
    return rounding.digits if rounding else None


def _level(result: UnitResult | None) -> str:
    if result is None or result.level is None:
        return "—"
    return result.level.label


def audit_table(report: AuditReport, lang: str = "vi") -> str:
    """Every unit: claimed and verified totals and levels, the difference, adjusted criteria, status."""
    t = _TEXT[lang]
    blocks = [t["title"], ""]
    for tier in report.ruleset.tiers:
        units = [u for u in report.units if u.tier == tier.id]
        for year in sorted({u.year for u in units}):
            members = [u for u in units if u.year == year]
            blocks.append(t["tier"].format(id=tier.id, title=tier.title, year=year))
            staged = any(u.district is not None for u in members)
            header = [t["h_code"], t["h_name"], t["h_claimed"]] + ([t["h_district"], t["h_step"]] if staged else [])
            header += [t["h_verified"], t["h_diff"] if not staged else t["h_step_audit"], t["h_level_claimed"],
                       t["h_level_verified"], t["h_adjusted"], t["h_missing"], t["h_status"]]
            rows = []
            for u in members:
                digits = _digits(u, report.ruleset)
                row = [u.code, u.name, format_number(u.claimed_total, lang, digits)]
                if staged:
                    row += _district_cells(u, lang, digits)
                before = u.district.total if staged and u.district is not None else u.claimed_total
                step = None if before is None or u.verified_total is None else u.verified_total - before
                rows.append(row + [
                    format_number(u.verified_total, lang, digits), _signed(step, lang, digits),
                    _level(u.claimed), _level(u.verified),
                    str(len(u.adjusted)) if u.status == AUDITED else "—",
                    str(len(u.missing_evidence)), t[u.status],
                ])
            shift = 2 if staged else 0
            blocks.append(render_table(header, rows, right={2, 3, 4, 7 + shift, 8 + shift} | ({5, 6} if staged else set())))
            blocks.append("")
    blocks.append(_not_audited_line(report, lang))
    return "\n".join(blocks) + "\n"


def _district_cells(unit: UnitAudit, lang: str, digits: int | None) -> list[str]:
    """The district's total and its difference from the self-assessment (— without a district record)."""
    if unit.district is None:
        return ["—", "—"]
    step = None if unit.claimed_total is None else unit.district.total - unit.claimed_total
    return [format_number(unit.district.total, lang, digits), _signed(step, lang, digits)]


def _not_audited_line(report: AuditReport, lang: str) -> str:
    t = _TEXT[lang]
    missing = report.not_audited
    if not missing:
        return t["all_audited"].format(n=format_count(len(report.units), lang))
    return t["not_audited_line"].format(n=format_count(len(missing), lang),
                                   units=", ".join(f"{u.code} {u.name}" for u in missing))


def unit_audit_text(report: AuditReport, unit: UnitAudit, lang: str = "vi", show_all: bool = False) -> str:
    """One unit, criterion by criterion: claimed, verified, difference, changed values, evidence."""
    t = _TEXT[lang]
    digits = _digits(unit, report.ruleset)
    lines = [t["unit"].format(code=unit.code, name=unit.name, tier=unit.tier, year=unit.year)]
    fields = {"claimed": format_number(unit.claimed_total, lang, digits), "claimed_level": _level(unit.claimed),
              "verified": format_number(unit.verified_total, lang, digits), "verified_level": _level(unit.verified),
              "diff": _signed(unit.difference, lang, digits)}
    key = {AUDITED: "unit_totals", NOT_AUDITED: "unit_not_audited", AUDIT_ONLY: "unit_audit_only"}[unit.status]
    lines.append(t[key].format(**fields))
    if unit.district is not None:
        lines.append(t["steps"].format(steps=" → ".join(
            f"{t['stage_' + stage]} {format_number(total, lang, digits)}" for stage, total in unit.steps())))
    lines.append("")
    staged = unit.district is not None
    header = [t["h_node"], t["h_max"], t["h_claimed"]] + ([t["h_district"]] if staged else [])
    header += [t["h_verified"], t["h_diff"], t["h_note"]]
    rows = []
    interesting = 0
    for c in unit.criteria:
        notes = [t["value"].format(name=name, old=format_value(old, lang), new=format_value(new, lang))
                 for name, old, new in c.changed_values]
        if c.not_rechecked:
            notes.append(t["not_rechecked"].format(names=", ".join(c.not_rechecked)))
        if c.evidence_added:
            notes.append(t["added"].format(names=", ".join(n for n, _ in c.evidence_added)))
        if c.missing_evidence:
            notes.append(t["missing"].format(names=", ".join(n for n, _ in c.missing_evidence)))
        flags = [f for f in c.verified_flags if f not in ("missing evidence",)]
        if flags:
            notes.append(", ".join(flags))
        notable = bool(c.difference or c.changed_values or c.missing_evidence or c.not_rechecked or c.evidence_added
                       or (staged and c.district != c.claimed))
        interesting += notable
        if not (show_all or notable):
            continue
        rows.append([c.node_id, format_number(c.max, lang), format_number(c.claimed, lang)]
                    + ([format_number(c.district, lang)] if staged else [])
                    + [format_number(c.verified, lang), _signed(c.difference, lang), "; ".join(notes)])
    if rows:
        lines.append(render_table(header, rows, right={1, 2, 3, 4, 5} if staged else {1, 2, 3, 4}))
    if not show_all:
        count = format_count(interesting, lang)
        if lang == "en":
            count += " criterion" if interesting == 1 else " criteria"
        lines.append(t["shown"].format(n=count))
    lines.append("")
    lines.append(t["evidence"])
    any_required = False
    for c in unit.criteria:
        given = dict(c.evidence_given)
        added = dict(c.evidence_added)
        for name, what in c.evidence_required:
            any_required = True
            status = t["ev_ok"].format(refs="; ".join(given[name])) if given.get(name) else t["ev_missing"]
            if added.get(name):
                status += t["ev_added"].format(refs="; ".join(added[name]))
            lines.append("  " + t["ev_line"].format(node=c.node_id, name=name, what=what, status=status))
    if not any_required:
        lines.append("  " + t["no_evidence_required"])
    return "\n".join(lines) + "\n"


def audit_csv(report: AuditReport) -> str:
    """One row per unit and criterion, plain numbers, for the audit team's spreadsheet."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["ruleset", "tier", "year", "code", "name", "parent", "status", "criterion", "max", "claimed",
                     "verified", "difference", "changed_values", "not_rechecked", "evidence_required", "evidence_given",
                     "evidence_missing", "district"])
    for u in report.units:
        for c in u.criteria:
            writer.writerow([
                report.ruleset.id, u.tier, u.year, u.code, u.name, u.parent or "", u.status, c.node_id, c.max,
                "" if c.claimed is None else c.claimed, "" if c.verified is None else c.verified,
                "" if c.difference is None else c.difference,
                "; ".join(f"{n}: {cell_text(o)} -> {cell_text(v)}" for n, o, v in c.changed_values),
                "; ".join(c.not_rechecked),
                "; ".join(f"{n}: {w}" for n, w in c.evidence_required),
                "; ".join(f"{n}: {' | '.join(r)}" for n, r in c.evidence_given),
                "; ".join(n for n, _ in c.missing_evidence),
                "" if c.district is None else c.district,
            ])
    return buffer.getvalue()

