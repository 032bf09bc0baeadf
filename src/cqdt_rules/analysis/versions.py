"""Drafts and decisions: the versions a set of results goes through, and the change log between them.

A versions folder holds one sub-folder per version, in order of their names::

    versions/
      01-du-thao-lan-1/   version.yaml + the data snapshot (.yaml, .csv or .xlsx files)
      02-du-thao-lan-2/
      03-phe-duyet/

``version.yaml`` says what the version is::

    label: Dự thảo lần 2
    status: draft                # draft (dự thảo) or approved (kết quả phê duyệt)
    date: 2023-04-28
    author: Đoàn kiểm tra
    ruleset: egov_2020           # a shipped ruleset id, or a path relative to this folder
    reason: Tiếp thu ý kiến các đơn vị; thẩm tra tài liệu kiểm chứng bổ sung
    decision: QĐ số .../QĐ-UBND  # for the approved version
    data_sha256: ...             # written by `cqdt versions --add`; a changed snapshot is refused
    changes:                     # why a value changed since the previous version
      - unit: "622"
        indicator: ke_hoach_cds  # leave out to cover every change of the unit
        reason: Bổ sung Kế hoạch số 45/KH-UBND

Each version is kept as it was recorded. The versions follow one source's records (the audit's, else the
self-assessment's) from draft to approval: ``--add`` refuses a version without them, before writing anything. The
change log is computed by comparing snapshots on (unit code, indicator): old → new value, evidence added and removed,
and the reason stated for it (or the version's general reason, marked as such).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import shutil
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import yaml

from cqdt_rules.analysis.values import format_value
from cqdt_rules.data.readers import load_many
from cqdt_rules.data.yamlfile import compose_yaml
from cqdt_rules.engine import loading, scoring
from cqdt_rules.engine.results import Results, UnitResult, identity_of
from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError, did_you_mean
from cqdt_rules.files import write_whole
from cqdt_rules.formatting import format_count, format_number
from cqdt_rules.i18n import translate
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment
from cqdt_rules.tables import cell_text, csv_writer, render_table

VERSION_FILE = "version.yaml"
DATA_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")
STATUSES = ("draft", "approved")
_FIELDS = ("label", "status", "date", "author", "ruleset", "reason", "decision", "data_sha256", "changes", "note")


@attrs.frozen
class ChangeReason:
    unit: str
    indicator: str | None
    reason: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Version:
    id: str  # the folder name
    label: str
    status: str
    date: dt.date | None
    author: str | None
    reason: str | None
    decision: str | None
    ruleset: str | None
    reasons: tuple[ChangeReason, ...]
    folder: Path = attrs.field(eq=False)
    data_files: tuple[Path, ...] = attrs.field(eq=False)
    data_sha256: str | None = None
    note: str | None = None


@attrs.frozen
class Change:
    """One value (or its evidence) that differs between two versions."""

    code: str
    name: str
    indicator: str | None  # None: the whole unit was added or removed
    kind: str  # value, evidence, added, removed
    old: Any
    new: Any
    evidence_added: tuple[str, ...] = ()
    evidence_removed: tuple[str, ...] = ()
    reason: str | None = None
    reason_is_specific: bool = False
    node_id: str | None = None  # the criterion that reads the indicator
    points_old: Any = None
    points_new: Any = None


@attrs.frozen
class ChangeLog:
    """The change log from one version to the next, and the reasons that matched no change."""

    before: Version
    after: Version
    changes: tuple[Change, ...]
    unused_reasons: tuple[ChangeReason, ...]


@attrs.frozen
class History:
    folder: Path
    source: str
    versions: tuple[Version, ...]
    results: tuple[Results, ...] = attrs.field(eq=False, repr=False)
    steps: tuple[ChangeLog, ...]

    def result(self, version_index: int, code: str) -> UnitResult | None:
        for unit in self.results[version_index]:
            if unit.code == code and identity_of(unit).source == self.source:
                return unit
        return None

    @property
    def codes(self) -> list[tuple[str, str, str]]:
        """(tier, code, name) of every unit in any version, in tier order then code."""
        seen: dict[str, tuple[str, str, str]] = {}
        order: dict[str, int] = {}
        for results in self.results:
            for index, tier in enumerate(results.ruleset.tiers):
                order.setdefault(tier.id, index)
            for unit in results:
                if identity_of(unit).source == self.source:
                    seen.setdefault(unit.code, (unit.tier.id, unit.code, unit.name))
        return sorted(seen.values(), key=lambda item: (order.get(item[0], 99), item[1]))


# ================================================================ reading a versions folder
def load_history(folder: str | Path, *, ruleset: str | None = None, source: str | None = None) -> History:
    """Read every version, check its snapshot, score it, and compute the change log between versions."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"no such versions folder: {folder}")
    version_dirs = _version_folders(folder)
    if not version_dirs:
        raise UsageError(f"'{folder}' holds no versions (sub-folders with a {VERSION_FILE})")
    versions = [read_version(p) for p in version_dirs]
    problems: list[Diagnostic] = []
    for version in versions:
        problems.extend(_integrity(version))
    if problems:
        raise DataError(problems)
    snapshots: list[tuple[Assessment, ...]] = []
    for version in versions:
        snapshots.append(load_many(list(version.data_files)))
    chosen = _followed_source([v.id for v in versions], snapshots, source)
    results: list[Results] = []
    for version, snapshot in zip(versions, snapshots):
        checked = loading.load(_ruleset_for(version, ruleset))
        results.append(scoring.score(checked, snapshot))
    steps = tuple(_step(versions[i], versions[i + 1], results[i], results[i + 1], chosen) for i in range(len(versions) - 1))
    return History(folder, chosen, tuple(versions), tuple(results), steps)


def _version_folders(folder: Path) -> list[Path]:
    """The versions in ``folder``, in order; a hidden folder (a version being recorded) is none."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and (p / VERSION_FILE).is_file()
                  and not p.name.startswith("."))


def _followed_source(ids: Sequence[str], snapshots: Sequence[Sequence[Assessment]], source: str | None) -> str:
    """The source whose records the change log follows from version to version: ``source``, else the audit's when
    every version has audit records, else another source every version has. A version without them is refused."""
    shared = [s for s in ("audit", "self", "district") if all(any(a.source == s for a in snap) for snap in snapshots)]
    chosen = source or (shared[0] if shared else "self")
    for version, snapshot in zip(ids, snapshots):
        if not any(a.source == chosen for a in snapshot):
            if shared:
                raise UsageError(f"version '{version}' has no '{chosen}' records; every version has "
                                 f"{', '.join(shared)} records: choose --source {shared[0]}")
            held = ", ".join(sorted({a.source for a in snapshot}))
            raise UsageError(f"version '{version}' has no '{chosen}' records (it holds {held} records), and no source "
                             "has records in every version: the versions of a folder follow one source's records "
                             "(e.g. the audit's) from draft to approval")
    return chosen


def _ruleset_for(version: Version, override: str | None) -> str:
    chosen = override or version.ruleset
    if chosen is None:
        raise UsageError(f"version '{version.id}' names no ruleset: add 'ruleset:' to its {VERSION_FILE} or give --ruleset")
    relative = version.folder / chosen
    return str(relative) if not override and relative.exists() else chosen


def read_version(folder: Path) -> Version:
    path = folder / VERSION_FILE
    text = path.read_text(encoding="utf-8")
    problems: list[Diagnostic] = []

    def span(node: yaml.Node) -> Span:
        return Span(str(path), node.start_mark.line + 1, node.start_mark.column + 1,
                    node.end_mark.line + 1, node.end_mark.column + 1)

    root = compose_yaml(text, str(path))
    if not isinstance(root, yaml.MappingNode):
        raise DataError([Diagnostic(Span(str(path), 1, 1, 1, 1), "expected a mapping with 'label', 'status', 'date', ...")])
    fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in root.value:
        name = str(key.value)
        if name not in _FIELDS:
            problems.append(Diagnostic(span(key), f"unknown field '{name}'", hint=did_you_mean(name, _FIELDS)
                                       or "fields: " + ", ".join(_FIELDS)))
        fields[name] = (key, value)

    def text_of(name: str) -> str | None:
        entry = fields.get(name)
        if entry is None:
            return None
        if not isinstance(entry[1], yaml.ScalarNode):
            problems.append(Diagnostic(span(entry[1]), f"expected text for '{name}'"))
            return None
        value = str(entry[1].value).strip()
        return unicodedata.normalize("NFC", value) if value else None

    label = text_of("label")
    if label is None:
        problems.append(Diagnostic(span(root), "the version has no 'label' (e.g. 'Dự thảo lần 1')"))
    status = text_of("status") or "draft"
    if status not in STATUSES:
        problems.append(Diagnostic(span(fields["status"][1]), f"unknown status '{status}'",
                                   hint="use draft (dự thảo) or approved (kết quả phê duyệt)"))
    date = None
    date_text = text_of("date")
    if date_text is not None:
        try:
            date = dt.date.fromisoformat(date_text)
        except ValueError:
            problems.append(Diagnostic(span(fields["date"][1]), f"expected a date YYYY-MM-DD, got '{date_text}'"))
    reasons: list[ChangeReason] = []
    if "changes" in fields:
        node = fields["changes"][1]
        if not isinstance(node, yaml.SequenceNode):
            problems.append(Diagnostic(span(node), "expected a list of changes (unit, indicator, reason)"))
        else:
            for item in node.value:
                reason = _change_reason(item, span, problems)
                if reason is not None:
                    reasons.append(reason)
    data_files = tuple(sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES
                              and p.name != VERSION_FILE and not p.name.startswith(("~$", "."))))
    if not data_files:
        problems.append(Diagnostic(Span(str(path), 1, 1, 1, 1), f"the version folder '{folder}' holds no data snapshot",
                                   hint="put the version's unit data (.yaml, .csv or .xlsx) beside version.yaml"))
    if problems:
        raise DataError(problems, {str(path): text})
    return Version(
        id=folder.name, label=label or folder.name, status=status, date=date, author=text_of("author"),
        reason=text_of("reason"), decision=text_of("decision"), ruleset=text_of("ruleset"), reasons=tuple(reasons),
        folder=folder, data_files=data_files, data_sha256=text_of("data_sha256"), note=text_of("note"),
    )


def _change_reason(item: yaml.Node, span: Any, problems: list[Diagnostic]) -> ChangeReason | None:
    if not isinstance(item, yaml.MappingNode):
        problems.append(Diagnostic(span(item), "expected 'unit', 'indicator' (optional) and 'reason'"))
        return None
    found = {}
    for key, value in item.value:
        name = str(key.value)
        if name not in ("unit", "indicator", "reason"):
            problems.append(Diagnostic(span(key), f"unknown field '{name}' in a change",
                                       hint=did_you_mean(name, ("unit", "indicator", "reason"))))
        elif isinstance(value, yaml.ScalarNode):
            found[name] = unicodedata.normalize("NFC", str(value.value).strip())
    if not found.get("unit") or not found.get("reason"):
        problems.append(Diagnostic(span(item), "a change needs 'unit' and 'reason'"))
        return None
    return ChangeReason(found["unit"], found.get("indicator") or None, found["reason"], span(item))


def snapshot_hash(files: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _integrity(version: Version) -> list[Diagnostic]:
    if version.data_sha256 is None:
        return []
    actual = snapshot_hash(version.data_files)
    if actual == version.data_sha256:
        return []
    return [Diagnostic(Span(str(version.folder / VERSION_FILE), 1, 1, 1, 1),
                       f"the data of version '{version.label}' changed after it was recorded "
                       f"(sha256 {actual[:12]}…, recorded {version.data_sha256[:12]}…)",
                       hint="a recorded version is kept as it was: record the corrected data as a new version "
                            "with 'cqdt versions DIR --add DATA ...'")]


# ================================================================ the change log
def _step(before: Version, after: Version, old: Results, new: Results, source: str) -> ChangeLog:
    old_units = {u.code: u for u in old if identity_of(u).source == source}
    new_units = {u.code: u for u in new if identity_of(u).source == source}
    changes: list[Change] = []
    used: set[int] = set()

    def reason_for(code: str, indicator: str | None) -> tuple[str | None, bool]:
        for index, reason in enumerate(after.reasons):
            if reason.unit == code and reason.indicator == indicator:
                used.add(index)
                return reason.reason, True
        for index, reason in enumerate(after.reasons):
            if reason.unit == code and reason.indicator is None:
                used.add(index)
                return reason.reason, True
        return after.reason, False

    order = {n.id: i for t in new.ruleset.tiers for i, n in enumerate(t.walk())}
    tiers = [t.id for t in new.ruleset.tiers]

    def unit_order(code: str) -> tuple[int, str, str]:
        unit = new_units.get(code) or old_units[code]
        tier = tiers.index(unit.tier.id) if unit.tier.id in tiers else len(tiers)
        return (tier, unit.parent or "", code)

    for code in sorted(set(old_units) | set(new_units), key=unit_order):
        was, now = old_units.get(code), new_units.get(code)
        if was is None or now is None:
            unit = now or was
            assert unit is not None
            text, specific = reason_for(code, None)
            changes.append(Change(code, unit.name, None, "added" if was is None else "removed",
                                  None if was is None else was.total, None if now is None else now.total,
                                  reason=text, reason_is_specific=specific))
            continue
        indicators = [i for i in now.tier.indicators]
        names = [i.name for i in indicators]
        for name in sorted((set(was.assessment.values) | set(now.assessment.values)) - set(names)):
            if name not in names:
                names.append(name)
        node_of = {i.name: i.node_id for i in indicators}
        for name in sorted(names, key=lambda n: (order.get(node_of.get(n, ""), 10**6), n)):
            old_value, new_value = was.assessment.values.get(name), now.assessment.values.get(name)
            old_refs, new_refs = identity_of(was).evidence.get(name, ()), identity_of(now).evidence.get(name, ())
            added = tuple(r for r in new_refs if r not in old_refs)
            removed = tuple(r for r in old_refs if r not in new_refs)
            if old_value == new_value and not added and not removed:
                continue
            text, specific = reason_for(code, name)
            node_id = node_of.get(name)
            points_old = was.nodes[node_id].points if node_id is not None and node_id in was.nodes else None
            points_new = now.nodes[node_id].points if node_id is not None and node_id in now.nodes else None
            changes.append(Change(code, now.name, name, "value" if old_value != new_value else "evidence",
                                  old_value, new_value, added, removed, text, specific, node_id, points_old, points_new))
    unused = tuple(r for i, r in enumerate(after.reasons) if i not in used)
    return ChangeLog(before, after, tuple(changes), unused)


# ================================================================ recording a new version
def add_version(folder: str | Path, data: Sequence[str | Path], *, label: str, reason: str, author: str | None = None,
                date: dt.date | None = None, status: str = "draft", ruleset: str | None = None,
                decision: str | None = None, source: str | None = None, lang: str = "en") -> Path:
    """Record a new version: copy the data into the next numbered sub-folder and write its version.yaml
    with the snapshot's hash, so the version is kept as it was. Returns the new folder.

    Whatever would keep the folder from being listed (with ``source``) is refused before anything is written, and the
    version is written whole: made in a hidden folder beside, which takes its name once complete. ``lang``: the
    language of version.yaml's comments."""
    folder = Path(folder)
    if status not in STATUSES:
        raise UsageError(f"unknown status '{status}': use draft or approved")
    if status == "approved" and not decision:
        raise UsageError("an approved version names the decision that approves it: give --decision")
    files = _data_files(data)
    snapshot = load_many(files)  # refuse data that cannot be read, before anything is written
    existing = [read_version(p) for p in _version_folders(folder)] if folder.is_dir() else []
    if ruleset is None and existing:
        ruleset = existing[-1].ruleset
    if ruleset is None:
        raise UsageError("name the ruleset with --ruleset (the first version of a folder must say which ruleset it uses)")
    loading.load(ruleset)  # an unknown ruleset is refused before anything is written
    label = unicodedata.normalize("NFC", label.strip())
    used = [v for v in existing if v.label == label]
    if used:
        raise UsageError(f"the version '{used[0].id}' is labelled '{label}' already: give the new version another "
                         "--label")
    target = folder / f"{len(existing) + 1:02d}-{_slug(label)}"
    if target.exists():
        raise UsageError(f"'{target}' already exists")
    _followed_source([v.id for v in existing] + [target.name],
                     [load_many(list(v.data_files)) for v in existing] + [snapshot], source)
    metadata = {
        "label": label, "status": status, "date": (date or dt.date.today()).isoformat(), "author": author,
        "ruleset": ruleset, "reason": reason, "decision": decision,
    }
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    beside = folder / f".{target.name}.{os.urandom(6).hex()}.partial"
    try:
        _write_version(beside, files, metadata, lang)
        beside.rename(target)
    except BaseException:
        shutil.rmtree(beside, ignore_errors=True)
        if made:
            folder.rmdir()
        raise
    return target


def _data_files(data: Sequence[str | Path]) -> list[Path]:
    """The data files named, a folder standing for its data files."""
    files: list[Path] = []
    for item in data:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in DATA_SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such data file or folder: {path}")
    if not files:
        raise UsageError("no data files to record")
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise UsageError("two data files have the same name: " + ", ".join(sorted({n for n in names if names.count(n) > 1})))
    return files


def _write_version(target: Path, files: Sequence[Path], metadata: dict[str, str | None], lang: str) -> None:
    """A version's folder: a copy of each data file and version.yaml, which records their hash."""
    target.mkdir()
    copied = []
    for path in files:
        destination = target / path.name
        shutil.copyfile(path, destination)
        copied.append(destination)
    text = yaml.safe_dump({k: v for k, v in {**metadata, "data_sha256": snapshot_hash(sorted(copied))}.items()
                           if v is not None}, allow_unicode=True, sort_keys=False, width=10_000)
    text += f"# changes:            # {translate('why a value changed since the previous version', lang)}\n" \
            "#   - unit: \"622\"\n#     indicator: ke_hoach_cds\n#     reason: \"...\"\n"
    write_whole(target / VERSION_FILE, text)


def _slug(label: str) -> str:
    text = unicodedata.normalize("NFD", label.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "version"


# ================================================================ rendering
_TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Các phiên bản kết quả đánh giá — {folder} ({source})",
        "source_self": "số liệu tự đánh giá", "source_audit": "số liệu thẩm định",
        "h_n": "TT", "h_label": "Phiên bản", "h_date": "Ngày", "h_author": "Người lập", "h_status": "Trạng thái",
        "h_units": "Số đơn vị", "h_reason": "Lý do / căn cứ", "draft": "dự thảo", "approved": "phê duyệt",
        "results": "Kết quả theo phiên bản (tổng điểm, mức độ)",
        "h_code": "Mã", "h_name": "Đơn vị", "h_tier": "Khối", "h_indicator": "Chỉ số", "h_change": "Cũ → Mới",
        "h_evidence": "Kiểm chứng bổ sung", "h_removed": "Kiểm chứng bỏ", "h_why": "Lý do",
        "h_points": "Điểm tiêu chí",
        "log": "Nhật ký thay đổi: {before} → {after} ({n} thay đổi)",
        "no_changes": "  Không có thay đổi.",
        "general": " (lý do chung của phiên bản)",
        "added": "(đơn vị mới)", "removed": "(đơn vị bị bỏ)",
        "unused": "  Lý do không khớp thay đổi nào: {items}",
        "yes": "có", "no": "không", "none": "—",
        "approved_by": "{reason}; {decision}",
    },
    "en": {
        "title": "Versions of the results — {folder} ({source})",
        "source_self": "self-assessed values", "source_audit": "audited values",
        "h_n": "#", "h_label": "Version", "h_date": "Date", "h_author": "Author", "h_status": "Status",
        "h_units": "Units", "h_reason": "Reason / basis", "draft": "draft", "approved": "approved",
        "results": "Results per version (total, level)",
        "h_code": "Code", "h_name": "Unit", "h_tier": "Tier", "h_indicator": "Indicator", "h_change": "Old → new",
        "h_evidence": "Evidence added", "h_removed": "Evidence removed", "h_why": "Reason",
        "h_points": "Criterion points",
        "log": "Change log: {before} → {after} ({n})",
        "no_changes": "  No changes.",
        "general": " (the version's general reason)",
        "added": "(unit added)", "removed": "(unit removed)",
        "unused": "  Reasons that match no change: {items}",
        "yes": "yes", "no": "no", "none": "—",
        "approved_by": "{reason}; {decision}",
    },
}


def _date(date: dt.date | None, lang: str) -> str:
    if date is None:
        return "—"
    return date.strftime("%d/%m/%Y") if lang == "vi" else date.isoformat()


def _digits(ruleset: m.Ruleset, tier_id: str) -> int | None:
    tier = ruleset.tier(tier_id)
    rounding = tier.total_rounding or ruleset.header.rounding
    return rounding.digits if rounding else None


def history_text(history: History, lang: str = "vi", unit: str | None = None) -> str:
    t = _TEXT[lang]
    lines = [t["title"].format(folder=history.folder, source=t["source_" + history.source]), ""]
    rows = []
    for index, (version, results) in enumerate(zip(history.versions, history.results), start=1):
        reason = version.reason or ""
        if version.decision:
            reason = t["approved_by"].format(reason=reason, decision=version.decision) if reason else version.decision
        count = sum(1 for u in results if identity_of(u).source == history.source)
        rows.append([str(index), version.label, _date(version.date, lang), version.author or "—", t[version.status],
                     str(count), reason])
    lines.append(render_table([t["h_n"], t["h_label"], t["h_date"], t["h_author"], t["h_status"], t["h_units"],
                               t["h_reason"]], rows, right={0, 5}))
    lines += ["", t["results"]]
    header = [t["h_code"], t["h_name"], t["h_tier"]] + [v.label for v in history.versions]
    rows = []
    for tier, code, name in history.codes:
        if unit is not None and code != unit:
            continue
        row = [code, name, tier]
        for index in range(len(history.versions)):
            result = history.result(index, code)
            if result is None:
                row.append("—")
                continue
            text = format_number(result.total, lang, _digits(history.results[index].ruleset, tier))
            if result.level is not None:
                text += f" ({result.level.label})"
            row.append(text)
        rows.append(row)
    lines.append(render_table(header, rows))
    for step in history.steps:
        changes = [c for c in step.changes if unit is None or c.code == unit]
        changed = format_count(len(changes), lang)
        if lang == "en":
            changed = f"{changed} change" + ("" if len(changes) == 1 else "s")
        lines += ["", t["log"].format(before=step.before.label, after=step.after.label, n=changed)]
        if not changes:
            lines.append(t["no_changes"])
        else:
            with_removed = any(c.evidence_removed for c in changes)
            header = [t["h_code"], t["h_name"], t["h_indicator"], t["h_change"], t["h_points"], t["h_evidence"]]
            header += [t["h_removed"]] if with_removed else []
            header.append(t["h_why"])
            rows = []
            for c in changes:
                indicator = c.indicator or (t["added"] if c.kind == "added" else t["removed"])
                old, new = format_value(c.old, lang), format_value(c.new, lang)
                points = "—"
                if c.node_id is not None and c.points_old is not None and c.points_new is not None:
                    points = f"{c.node_id}: {format_number(c.points_old, lang)} → {format_number(c.points_new, lang)}"
                reason = (c.reason or "—") + ("" if c.reason_is_specific or not c.reason else t["general"])
                row = [c.code, c.name, indicator, f"{old} → {new}", points, "; ".join(c.evidence_added) or "—"]
                row += ["; ".join(c.evidence_removed) or "—"] if with_removed else []
                row.append(reason)
                rows.append(row)
            lines.append(render_table(header, rows))
        unused = [r for r in step.unused_reasons if unit is None or r.unit == unit]
        if unused:
            lines.append(t["unused"].format(items="; ".join(f"{r.unit}{'/' + r.indicator if r.indicator else ''} ({r.span})"
                                                            for r in unused)))
    return "\n".join(lines) + "\n"


def changes_csv(history: History) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["from_version", "to_version", "to_date", "code", "name", "indicator", "kind", "old", "new",
                     "evidence_added", "evidence_removed", "reason", "reason_specific", "criterion", "points_old",
                     "points_new"])
    for step in history.steps:
        for c in step.changes:
            writer.writerow([step.before.id, step.after.id, step.after.date.isoformat() if step.after.date else "",
                             c.code, c.name, c.indicator or "", c.kind, cell_text(c.old), cell_text(c.new),
                             "; ".join(c.evidence_added), "; ".join(c.evidence_removed), c.reason or "",
                             "yes" if c.reason_is_specific else "no", c.node_id or "", cell_text(c.points_old),
                             cell_text(c.points_new)])
    return buffer.getvalue()

