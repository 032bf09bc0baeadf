"""Files written whole: a file the package writes takes the place of the file of that name only once it is complete,
so that an error, a full disk or Ctrl-C while it is written leaves the old file as it was (a ruleset ``cqdt fmt``
rewrites, a version's record, last year's results or report), never a part of the new one, and nothing beside it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def replacing(path: str | Path, mode: int | None = None) -> Iterator[Path]:
    """A new, empty file beside ``path`` for the caller to write (with ``open``, or a library's ``save``). When the
    block ends without an error it becomes ``path``, with ``mode``, else the mode of the file it replaces (a new
    file's mode otherwise); when the block raises, it is removed and ``path`` is left as it was. The folder is made when
    missing; of a symbolic link, the file it points to is replaced (the link stays); a named pipe or a device is
    written as it is (``_as_it_is``)."""
    target = Path(path)
    if _as_it_is(target):
        yield target
        return
    if target.is_symlink():
        target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        temporary = _new_beside(target)
    except PermissionError:
        if not os.access(target, os.W_OK):
            raise
        with _put_back_on_error(target):  # a file one may write in a folder one may not: written in place
            yield target
        return
    try:
        yield temporary
        os.chmod(temporary, _mode(target) if mode is None else mode)
        os.replace(temporary, target)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _about(error, target) from error
        raise


@contextmanager
def _put_back_on_error(target: Path) -> Iterator[None]:
    """``target`` written in place, its old content copied aside first (a private temporary file) and put back when
    the block raises (the truncated file's space is then free again, so a full disk takes it back too). Should even
    that fail, the error says where the old content is, and that copy is kept."""
    import shutil  # this rare path alone
    import tempfile

    if not target.exists():
        try:
            yield
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return
    handle, name = tempfile.mkstemp(prefix=f"cqdt-{target.name}.", suffix=".old")
    os.close(handle)
    aside = Path(name)
    try:
        shutil.copyfile(target, aside)
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    try:
        yield
    except BaseException as error:
        try:
            shutil.copyfile(aside, target)
        except OSError:
            raise OSError(f"{target} could not be written, nor its old content put back: it is kept in {aside}") \
                from error
        aside.unlink()
        if isinstance(error, OSError):
            raise _about(error, target) from error
        raise
    aside.unlink()


def _about(error: OSError, target: Path) -> OSError:
    """``error`` as about ``target``, the file the caller writes (a failed write names no file, a failed replace names
    the temporary file beside it): the same kind of error, with the system's reason."""
    if error.errno is None or error.strerror is None:
        return error
    return type(error)(error.errno, error.strerror, str(target))


@contextmanager
def written(path: str | Path, newline: str | None = None) -> Iterator[TextIO]:
    """``path`` opened for writing UTF-8 text, written whole (``replacing``); a pipe or a device is written at its
    end, as a shell left it (``--out /dev/stdout >> log.csv`` adds to the log)."""
    if _as_it_is(Path(path)):
        with open(path, "a", encoding="utf-8", newline=newline) as file:
            yield file
        return
    with replacing(path) as temporary, open(temporary, "w", encoding="utf-8", newline=newline) as file:
        yield file


def write_whole(path: str | Path, text: str) -> None:
    """``path``'s text replaced by ``text``, whole (``replacing``)."""
    with written(path) as file:
        file.write(text)


def _as_it_is(target: Path) -> bool:
    """Whether ``target`` is written as it is: a named pipe or a device, or a name for one (``/dev/stdout``, which
    may stand for a file the shell appends to): there is no old file to keep, and a reader may wait on it."""
    return (target.exists() and not target.is_file()) or target.absolute().parts[1:2] in (("dev",), ("proc",))


def _new_beside(target: Path) -> Path:
    """A new, empty file in ``target``'s folder named after it, readable by this user alone until it takes
    ``target``'s place (``tempfile.mkstemp`` does the same, but importing it costs a command a few milliseconds)."""
    while True:
        beside = target.with_name(f".{target.name}.{os.urandom(6).hex()}.partial")
        try:
            os.close(os.open(beside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            return beside
        except FileExistsError:  # 48 random bits: another run's file of the same name, almost never
            continue


def _mode(target: Path) -> int:
    """The permissions of the file ``target`` replaces, or those ``open`` gives a new file (under the umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
