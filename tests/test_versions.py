"""Drafts and decisions: every version kept, results per version, the change log with its reasons."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules.analysis.versions import (
    add_version,
    changes_csv,
    history_text,
    load_history,
    read_version,
)
from cqdt_rules.cli.main import main
from cqdt_rules.errors import DataError, UsageError
from cqdt_rules.model.units import Pair

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "versions"


@pytest.fixture()
def history_dir(tmp_path: Path) -> Path:
    target = tmp_path / "versions"
    shutil.copytree(EXAMPLE, target)
    return target


def test_the_example_has_three_versions_scored_one_by_one() -> None:
    history = load_history(EXAMPLE)
    assert [v.label for v in history.versions] == ["Dự thảo lần 1", "Dự thảo lần 2", "Kết quả phê duyệt"]
    assert [v.status for v in history.versions] == ["draft", "draft", "approved"]
    assert history.versions[0].date == dt.date(2023, 4, 10)
    assert history.versions[2].decision is not None
    assert history.source == "audit"
    totals = [history.result(i, "SO14").total for i in range(3)]  # type: ignore[union-attr]
    assert totals == [Decimal("113.355"), Decimal("117.355"), Decimal("117.355")]


def test_change_log_lists_every_value_changed_with_evidence_and_reason() -> None:
    history = load_history(EXAMPLE)
    first, second = history.steps
    assert [(c.code, c.indicator) for c in first.changes] == [
        ("SO13", "dvctt_toan_trinh"), ("SO14", "ke_hoach_cds"), ("622", "ho_so_dung_han"),
        ("631", "xa_hoi_nghi_truyen_hinh"), ("23857", "ky_so_toan_bo"), ("23860", "muc_thong_tin")]
    by_key = {(c.code, c.indicator): c for c in first.changes}
    duc_co = by_key[("631", "xa_hoi_nghi_truyen_hinh")]
    assert (duc_co.old, duc_co.new) == (Pair(Decimal(10), Decimal(10)), Pair(Decimal(9), Decimal(10)))
    assert duc_co.reason_is_specific and "crosscheck" in (duc_co.reason or "")
    ngoai_vu = by_key[("SO14", "ke_hoach_cds")]
    assert ngoai_vu.kind == "evidence" and ngoai_vu.evidence_added == ("KH 739/KH-SNV ngày 12/2/2022",)
    assert (ngoai_vu.node_id, ngoai_vu.points_old, ngoai_vu.points_new) == ("A3.1", Decimal("0.000"), Decimal("4.000"))
    ia_dok = by_key[("23860", "muc_thong_tin")]
    assert not ia_dok.reason_is_specific and ia_dok.reason == history.versions[1].reason
    assert [(c.code, c.indicator) for c in second.changes] == [("631", "xa_trang_thanh_phan")]
    assert not first.unused_reasons and not second.unused_reasons


def test_text_shows_versions_results_and_change_logs() -> None:
    text = history_text(load_history(EXAMPLE))
    assert " 1  Dự thảo lần 1      10/04/2023  Đoàn kiểm tra (Sở TT&TT)  dự thảo" in text
    assert "phê duyệt" in text and "Quyết định phê duyệt kết quả của UBND tỉnh (số hiệu minh họa)" in text
    assert "SO14   Sở Ngoại vụ                   so     113,355 (Mức I)" in text
    assert "Nhật ký thay đổi: Dự thảo lần 1 → Dự thảo lần 2 (06 thay đổi)" in text
    assert "10/10 → 9/10" in text and "A3.1: 0,000 → 4,000" in text
    assert "(lý do chung của phiên bản)" in text
    one = history_text(load_history(EXAMPLE), "en", unit="631")
    assert "Change log: Dự thảo lần 2 → Kết quả phê duyệt (1 change)" in one
    assert "SO14" not in one and "8/10 → 7/10" in one


def test_csv_change_log() -> None:
    rows = changes_csv(load_history(EXAMPLE)).splitlines()
    assert rows[0].startswith("from_version,to_version,to_date,code,name,indicator,kind,old,new,evidence_added")
    assert len(rows) == 1 + 7
    assert any(r.startswith("01-du-thao-lan-1,02-du-thao-lan-2,2023-04-28,SO14,Sở Ngoại vụ,ke_hoach_cds,evidence,yes,yes,")
               for r in rows)


def test_a_recorded_snapshot_that_was_edited_is_refused(history_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = history_dir / "02-du-thao-lan-2" / "ket-qua.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("[9, 10]", "[10, 10]"), encoding="utf-8")
    with pytest.raises(DataError, match="changed after it was recorded"):
        load_history(history_dir)
    assert main(["versions", str(history_dir)]) == 1
    assert "Dự thảo lần 2" in capsys.readouterr().err


def test_add_records_the_next_version_with_its_hash(history_dir: Path, tmp_path: Path) -> None:
    corrected = tmp_path / "ket-qua.yaml"
    text = (history_dir / "03-ket-qua-phe-duyet" / "ket-qua.yaml").read_text(encoding="utf-8")
    corrected.write_text(text.replace("tin_bai_thang: 7.4", "tin_bai_thang: 8.1"), encoding="utf-8")
    folder = add_version(history_dir, [corrected], label="Đính chính", reason="Đính chính số liệu tin bài",
                         author="Sở TT&TT", date=dt.date(2023, 6, 15))
    assert folder.name == "04-dinh-chinh"
    version = read_version(folder)
    assert (version.ruleset, version.status, version.date) == ("egov_2020", "draft", dt.date(2023, 6, 15))
    assert version.data_sha256 is not None
    history = load_history(history_dir)
    last = history.steps[-1]
    assert [(c.code, c.indicator, c.reason) for c in last.changes] == [("631", "tin_bai_thang", "Đính chính số liệu tin bài")]


def test_add_refuses_bad_data_before_writing_anything(history_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("units: [", encoding="utf-8")
    with pytest.raises(DataError):
        add_version(history_dir, [broken], label="x", reason="y")
    assert len([p for p in history_dir.iterdir() if p.is_dir()]) == 3


def test_cli_versions_show_add_and_usage_errors(history_dir: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["versions", str(history_dir)]) == 0
    assert "Các phiên bản kết quả đánh giá" in capsys.readouterr().out
    data = history_dir / "03-ket-qua-phe-duyet" / "ket-qua.yaml"
    assert main(["versions", str(history_dir), "--add", str(data), "--lang", "en"]) == 2
    assert "--add needs --label and --reason" in capsys.readouterr().err
    assert main(["versions", str(history_dir), "--add", str(data), "--label", " ", "--reason", "r", "--lang", "en"]) == 2
    assert "--add needs --label and --reason" in capsys.readouterr().err
    assert main(["versions", str(history_dir), "--label", "x"]) == 2
    assert main(["versions", str(tmp_path / "none")]) == 2
    assert main(["versions", str(history_dir), "--add", str(data), "--label", "Bản sao", "--reason", "Không đổi",
                 "--date", "2023-06-01", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert "05-ban-sao" not in captured.out and (history_dir / "04-ban-sao").is_dir()
    assert "đã ghi" in captured.err


def test_version_file_errors_are_positioned(history_dir: Path) -> None:
    path = history_dir / "01-du-thao-lan-1" / "version.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: draft", "status: final").replace("date: 2023-04-10", "date: 10/04/2023")
                    + "approver: someone\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_version(path.parent)
    found = {(d.span.line, d.message.split(" '")[0]) for d in caught.value.diagnostics}
    assert (2, "unknown status") in found and (3, "expected a date YYYY-MM-DD, got") in found
    assert (8, "unknown field") in found


def test_reasons_that_match_no_change_are_shown(history_dir: Path) -> None:
    path = history_dir / "03-ket-qua-phe-duyet" / "version.yaml"
    path.write_text(path.read_text(encoding="utf-8")
                    + "  - unit: \"SO13\"\n    indicator: ke_hoach_cds\n    reason: Không có thay đổi này\n", encoding="utf-8")
    history = load_history(history_dir)
    assert [(r.unit, r.indicator) for r in history.steps[1].unused_reasons] == [("SO13", "ke_hoach_cds")]
    assert "Lý do không khớp thay đổi nào: SO13/ke_hoach_cds" in history_text(history)


def test_units_added_and_removed_between_versions(history_dir: Path) -> None:
    path = history_dir / "03-ket-qua-phe-duyet" / "ket-qua.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index('  - code: "23860"')
    path.write_text(text[:start], encoding="utf-8")
    (history_dir / "03-ket-qua-phe-duyet" / "version.yaml").write_text(
        "label: Kết quả phê duyệt\nstatus: approved\nruleset: egov_2020\nreason: Bỏ một xã\n", encoding="utf-8")
    history = load_history(history_dir)
    removed = [c for c in history.steps[1].changes if c.kind == "removed"]
    assert [(c.code, c.indicator, c.new) for c in removed] == [("23860", None, None)]
    assert "(đơn vị bị bỏ)" in history_text(history)


def test_a_version_without_a_ruleset_needs_one(history_dir: Path) -> None:
    path = history_dir / "01-du-thao-lan-1" / "version.yaml"
    path.write_text("\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                              if not line.startswith("ruleset:")) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="names no ruleset"):
        load_history(history_dir)
    assert load_history(history_dir, ruleset="egov_2020").versions[0].ruleset is None


SAMPLE = EXAMPLE.parent / "gialai"


def _folder(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def test_a_version_of_another_source_is_refused_before_anything_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "versions"
    first = ["versions", str(folder), "--ruleset", "egov_2020", "--add", str(SAMPLE / "egov-2022-self.yaml"),
             "--label", "v1", "--reason", "a"]
    assert main(first) == 0
    capsys.readouterr()
    assert main(["versions", str(folder), "--add", str(SAMPLE / "egov-2022-audit.yaml"), "--label", "v2",
                 "--reason", "b"]) == 2
    captured = capsys.readouterr()
    assert "đã ghi" not in captured.err
    assert ("cqdt: lỗi: phiên bản '02-v2' không có bản ghi 'self' nào (chỉ có bản ghi audit), và không nguồn nào có "
            "bản ghi trong mọi phiên bản" in captured.err)
    assert _folder(folder) == ["01-v1"]
    assert main(["versions", str(folder), "--add", str(SAMPLE / "egov-2022-self.yaml"), "--label", "v2",
                 "--reason", "b", "--source", "audit", "--lang", "en"]) == 2
    assert ("version '01-v1' has no 'audit' records; every version has self records: choose --source self"
            in capsys.readouterr().err)
    assert _folder(folder) == ["01-v1"] and main(["versions", str(folder)]) == 0


def test_versions_that_share_no_source_say_so_instead_of_sending_to_another_source(tmp_path: Path) -> None:
    folder = tmp_path / "versions"  # as recorded before --add refused it: a self-assessment, then an audit
    for name, data in (("01-v1", "egov-2022-self.yaml"), ("02-v2", "egov-2022-audit.yaml")):
        (folder / name).mkdir(parents=True)
        (folder / name / "version.yaml").write_text(f"label: {name}\nruleset: egov_2020\n", encoding="utf-8")
        shutil.copyfile(SAMPLE / data, folder / name / data)
    for source in (None, "self", "audit"):
        with pytest.raises(UsageError, match="no source has records in every version"):
            load_history(folder, source=source)


@pytest.mark.parametrize("options, message", [
    (["--label", "Dự thảo lần 1"], "cqdt: lỗi: phiên bản '01-du-thao-lan-1' đã có nhãn 'Dự thảo lần 1': hãy đặt nhãn "
                                   "khác cho phiên bản mới bằng --label"),
    (["--label", "x", "--status", "approved"],
     "cqdt: lỗi: phiên bản phê duyệt phải ghi quyết định phê duyệt: hãy dùng --decision"),
    (["--label", "x", "--date", "2022-13-45"],
     "cqdt: lỗi: đối số --date: ngày '2022-13-45' không hợp lệ: hãy viết theo dạng YYYY-MM-DD"),
], ids=["label-used", "approved-without-decision", "date"])
def test_add_refuses_what_the_versions_cannot_hold_before_writing_anything(
        history_dir: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str) -> None:
    data = history_dir / "03-ket-qua-phe-duyet" / "ket-qua.yaml"
    before = _folder(history_dir)
    try:
        code = main(["versions", str(history_dir), "--add", str(data), "--reason", "r", *options])
    except SystemExit as stop:  # an option's value is refused as argparse refuses it
        code = stop.code
    assert code == 2
    assert message in capsys.readouterr().err
    assert _folder(history_dir) == before


def test_a_first_version_refused_leaves_no_folder_behind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "versions"
    assert main(["versions", str(folder), "--add", str(SAMPLE / "egov-2022-self.yaml"), "--label", "v1",
                 "--reason", "a"]) == 2
    assert "--ruleset" in capsys.readouterr().err and not folder.exists()


def test_a_version_is_written_whole_and_its_comments_in_the_runs_language(
        history_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cqdt_rules.analysis import versions

    data = history_dir / "03-ket-qua-phe-duyet" / "ket-qua.yaml"
    before = _folder(history_dir)

    def full(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device", str(path))

    with monkeypatch.context() as patched:
        patched.setattr(versions, "write_whole", full)
        with pytest.raises(OSError):
            add_version(history_dir, [data], label="x", reason="y")
    assert _folder(history_dir) == before
    folder = add_version(history_dir, [data], label="x", reason="y", lang="vi")
    text = (folder / "version.yaml").read_text(encoding="utf-8")
    assert "# changes:            # lý do một giá trị thay đổi so với phiên bản trước\n" in text
    assert "why" not in text
