"""Files written whole (``cqdt_rules.files``): a file takes the place of the old one only once complete, so an error,
a full disk or Ctrl-C while it is written leaves the old file as it was, and nothing beside it; and the commands that
write files (``cqdt fmt``, ``cqdt score --out``, reports, the form) write them so."""

from __future__ import annotations

import errno
import os
import signal
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest

from cqdt_rules import files
from cqdt_rules.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "gialai"


def _only(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_file_written_whole_replaces_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "results.csv"
    target.write_text("last year\n", encoding="utf-8")
    with files.written(target) as out:
        out.write("this year\n")
        assert target.read_text(encoding="utf-8") == "last year\n"  # not yet: the new text is beside it
    assert target.read_text(encoding="utf-8") == "this year\n"
    assert _only(tmp_path) == ["results.csv"]


@pytest.mark.parametrize("stop", [RuntimeError("a writer's bug"), OSError(errno.ENOSPC, "No space left on device"),
                                  KeyboardInterrupt()])
def test_a_file_stopped_while_written_leaves_the_old_one_and_nothing_beside_it(tmp_path: Path, stop: BaseException
                                                                                ) -> None:
    target = tmp_path / "egov.cqdt"
    target.write_text("ruleset kept {}\n", encoding="utf-8")
    with pytest.raises(type(stop)):
        with files.written(target) as out:
            out.write("ruleset half")
            raise stop
    assert target.read_text(encoding="utf-8") == "ruleset kept {}\n"
    assert _only(tmp_path) == ["egov.cqdt"]


def test_a_new_file_gets_the_mode_open_gives_and_a_replaced_one_keeps_its_own(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.txt"
    files.write_whole(fresh, "x")
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")  # as open() makes it, under this process's umask
    assert stat.S_IMODE(fresh.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    shared = tmp_path / "shared.txt"
    shared.write_text("old", encoding="utf-8")
    shared.chmod(0o640)
    files.write_whole(shared, "new")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640 and shared.read_text(encoding="utf-8") == "new"


def test_a_linked_file_is_replaced_where_it_is_and_the_link_stays(tmp_path: Path) -> None:
    real = tmp_path / "real.cqdt"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.cqdt"
    link.symlink_to(real)
    files.write_whole(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_a_named_pipe_is_written_as_it_is_for_its_reader(tmp_path: Path) -> None:
    import threading

    pipe = tmp_path / "results.fifo"
    os.mkfifo(pipe)
    read: list[str] = []
    reader = threading.Thread(target=lambda: read.append(pipe.read_text(encoding="utf-8")))
    reader.start()
    files.write_whole(pipe, "streamed")
    reader.join(timeout=10)
    assert read == ["streamed"] and stat.S_ISFIFO(pipe.stat().st_mode) and _only(tmp_path) == ["results.fifo"]


def test_standard_output_named_as_a_file_is_written_as_it_is(tmp_path: Path) -> None:
    import subprocess
    import sys

    log = tmp_path / "log.csv"
    log.write_text("kept\n", encoding="utf-8")
    with log.open("a", encoding="utf-8") as appended:  # `... --out /dev/stdout >> log.csv`
        subprocess.run([sys.executable, "-c", "from cqdt_rules import files; files.write_whole('/dev/stdout', 'added\\n')"],
                       stdout=appended, check=True)
    assert log.read_text(encoding="utf-8") == "kept\nadded\n"


def test_a_writable_file_in_a_folder_one_may_not_write_in_is_written_in_place(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "report.md"
    report.write_text("old", encoding="utf-8")

    def refused(target: Path) -> Path:  # as in a folder without write permission (the tests may run as root)
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target.parent))

    monkeypatch.setattr(files, "_new_beside", refused)
    files.write_whole(report, "new")
    assert report.read_text(encoding="utf-8") == "new"
    monkeypatch.setattr(files.os, "access", lambda path, mode: False)  # nor the file itself: refused, left as it was
    with pytest.raises(PermissionError):
        files.write_whole(report, "newer")
    assert report.read_text(encoding="utf-8") == "new"


def _no_file_beside(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The folder refuses a new file (as one without write permission: the tests may run as root); the copy kept
    aside goes to a temporary folder of the test's own, returned."""
    def refused(target: Path) -> Path:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target.parent))

    monkeypatch.setattr(files, "_new_beside", refused)
    aside = tmp_path / "tmp"
    aside.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(aside))
    return aside


def _disk_full_after(monkeypatch: pytest.MonkeyPatch, written: int) -> None:
    """Writing stops with "File too large" once ``written`` characters are written (as ``ulimit -f`` makes it)."""
    real_open = open

    def limited_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        opened = real_open(file, mode, *args, **kwargs)
        if "w" not in mode:
            return opened
        write = opened.write
        count = [0]

        def counted(text: str) -> int:
            if count[0] + len(text) > written:
                write(text[:written - count[0]])
                opened.flush()
                raise OSError(errno.EFBIG, os.strerror(errno.EFBIG))
            count[0] += len(text)
            return write(text)
        opened.write = counted
        return opened

    monkeypatch.setattr(files, "open", limited_open, raising=False)


def test_a_file_written_in_place_that_fails_gets_its_old_content_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    messy = _messy(tmp_path / "messy.cqdt")
    before = messy.read_text(encoding="utf-8")
    aside = _no_file_beside(monkeypatch, tmp_path)
    _disk_full_after(monkeypatch, 10)
    assert main(["fmt", str(messy)]) == 2
    assert capsys.readouterr().err == f"cqdt: lỗi: tệp vượt quá kích thước tối đa được phép ghi: {messy}\n"
    assert messy.read_text(encoding="utf-8") == before
    assert list(aside.iterdir()) == []  # the copy kept aside is gone once the old content is back


def test_a_file_written_in_place_whose_old_content_cannot_be_put_back_says_where_it_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    report = tmp_path / "report.md"
    report.write_text("last year", encoding="utf-8")
    aside = _no_file_beside(monkeypatch, tmp_path)
    copy = shutil.copyfile

    def only_one_way(source: Any, target: Any) -> Any:
        if Path(target) == report:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return copy(source, target)

    monkeypatch.setattr(shutil, "copyfile", only_one_way)
    with pytest.raises(OSError) as raised, files.written(report) as out:
        out.write("this ye")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    kept = list(aside.iterdir())
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "last year"
    assert str(raised.value) == f"{report} could not be written, nor its old content put back: it is kept in {kept[0]}"


def test_an_error_in_putting_the_file_in_place_names_the_file_not_the_one_beside_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    messy = _messy(tmp_path / "messy.cqdt")

    def refused(source: Any, target: Any) -> None:  # as os.replace says it: of the file beside
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(source))

    monkeypatch.setattr(files.os, "replace", refused)
    assert main(["fmt", str(messy), "--lang", "en"]) == 2
    assert capsys.readouterr().err == f"cqdt: error: Operation not permitted: {messy}\n"
    assert _only(tmp_path) == ["messy.cqdt"]


def test_a_missing_folder_is_made(tmp_path: Path) -> None:
    files.write_whole(tmp_path / "a" / "b" / "c.txt", "x")
    assert (tmp_path / "a" / "b" / "c.txt").read_text(encoding="utf-8") == "x"


# ---------------------------------------------------------------- the commands
def _messy(path: Path) -> Path:
    path.write_text('# keep me\nruleset   x {title "t"   # and me\n}\n', encoding="utf-8")
    return path


def test_fmt_on_a_full_disk_leaves_the_ruleset_as_it_was_and_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    messy = _messy(tmp_path / "messy.cqdt")
    before = messy.read_text(encoding="utf-8")

    def full(source: Any, target: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(files.os, "replace", full)
    assert main(["fmt", str(messy)]) == 2
    assert f"cqdt: lỗi: ổ đĩa hết chỗ trống: {messy}" in capsys.readouterr().err
    assert messy.read_text(encoding="utf-8") == before
    assert _only(tmp_path) == ["messy.cqdt"]


def _stop_by_keyboard_interrupt() -> None:
    raise KeyboardInterrupt


STOPPED = "lỗi: đã dừng theo yêu cầu; không tệp nào bị thay đổi bởi phần đang ghi dở"


@pytest.mark.parametrize("stop, lang, code, message", [
    (_stop_by_keyboard_interrupt, "vi", 130, STOPPED),
    (lambda: os.kill(os.getpid(), signal.SIGINT), "vi", 130, STOPPED),
    (lambda: os.kill(os.getpid(), signal.SIGTERM), "vi", 143,
     "lỗi: đã dừng do tín hiệu SIGTERM; không tệp nào bị thay đổi bởi phần đang ghi dở"),
    (lambda: os.kill(os.getpid(), signal.SIGHUP), "vi", 129,
     "lỗi: đã dừng do tín hiệu SIGHUP; không tệp nào bị thay đổi bởi phần đang ghi dở"),
    (lambda: os.kill(os.getpid(), signal.SIGTERM), "en", 143,
     "error: stopped by SIGTERM; no file was changed by what was being written"),
], ids=["ctrl-c", "sigint", "sigterm", "sighup", "sigterm-en"])
def test_a_stop_while_scores_are_written_leaves_the_old_results_and_nothing_beside_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stop: Any, lang: str,
        code: int, message: str) -> None:
    from cqdt_rules.cli import commands

    out = tmp_path / "results.csv"
    data = str(SAMPLE / "egov-2022-audit-xa.csv")
    assert main(["score", "egov_2020", data, "--out", str(out)]) == 0
    before = out.read_text(encoding="utf-8")
    stream = commands._stream_python
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}

    def interrupted(args: Any, progress: Any) -> Any:
        scored = stream(args, progress)

        def half(form: str, target: Any, done: Any) -> None:  # a first row written, then the stop
            target.write("code,name\n")
            stop()
            target.write("more\n")  # a signal's handler runs at the latest here
        scored.write = half
        return scored

    monkeypatch.setattr(commands, "_stream_python", interrupted)
    capsys.readouterr()
    assert main(["score", "egov_2020", data, "--out", str(out), "--lang", lang]) == code
    assert capsys.readouterr().err.endswith(f"\ncqdt: {message}\n")
    assert out.read_text(encoding="utf-8") == before
    assert _only(tmp_path) == ["results.csv"]
    assert {number: signal.getsignal(number) for number in handlers} == handlers  # main leaves them as they were


def test_a_report_that_cannot_be_written_leaves_last_years_files_and_nothing_beside_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(SAMPLE / "egov-2022-audit.yaml")
    assert main(["report", "egov_2020", data, "--out", str(tmp_path), "--formats", "md,xlsx"]) == 0
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    assert any(path.suffix == ".xlsx" for path in before) and any(path.suffix == ".svg" for path in before)

    def failing(source: Any, target: Any) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(target))

    monkeypatch.setattr(files.os, "replace", failing)
    capsys.readouterr()
    assert main(["report", "egov_2020", data, "--out", str(tmp_path), "--formats", "md,xlsx"]) == 2
    assert "cqdt: lỗi: lỗi đọc ghi thiết bị: " in capsys.readouterr().err
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before  # nothing beside


def test_files_written_together_take_their_places_only_once_all_are_written(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("last year", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with files.together() as package:
            package.beside(tmp_path / "report.html").write_text("this year", encoding="utf-8")
            package.beside(tmp_path / "charts" / "levels.svg").write_text("<svg/>", encoding="utf-8")
            raise RuntimeError("the workbook's writer failed")
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "last year"
    assert _only(tmp_path) == ["report.html"]  # the new files, and the folder made for them, removed
    with files.together() as package:
        package.beside(tmp_path / "report.html").write_text("this year", encoding="utf-8")
        package.beside(tmp_path / "charts" / "levels.svg").write_text("<svg/>", encoding="utf-8")
        assert (tmp_path / "report.html").read_text(encoding="utf-8") == "last year"
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "this year"
    assert _only(tmp_path) == ["charts", "report.html"] and _only(tmp_path / "charts") == ["levels.svg"]


def test_a_report_file_named_like_a_folder_leaves_every_old_file_and_nothing_beside_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "report-egov_2020-2022-vi.docx").mkdir()
    (tmp_path / "report-egov_2020-2022-vi.html").write_text("OLD", encoding="utf-8")
    (tmp_path / "rankings-egov_2020-2022-vi.xlsx").write_text("OLD", encoding="utf-8")
    data = str(SAMPLE / "egov-2022-audit.yaml")
    assert main(["report", "egov_2020", data, "--out", str(tmp_path), "--formats", "html,md,xlsx,docx"]) == 2
    assert (f"cqdt: lỗi: đây là một thư mục, không phải một tệp: {tmp_path / 'report-egov_2020-2022-vi.docx'}"
            in capsys.readouterr().err)
    assert _only(tmp_path) == ["rankings-egov_2020-2022-vi.xlsx", "report-egov_2020-2022-vi.docx",
                               "report-egov_2020-2022-vi.html"]
    assert (tmp_path / "report-egov_2020-2022-vi.html").read_text(encoding="utf-8") == "OLD"
    assert (tmp_path / "rankings-egov_2020-2022-vi.xlsx").read_text(encoding="utf-8") == "OLD"
    assert _only(tmp_path / "report-egov_2020-2022-vi.docx") == []
