"""Files written whole: a file the package writes takes the place of the file of that name only once it is complete,
so that an error, a full disk or Ctrl-C while it is written leaves the old file as it was (a ruleset ``cqdt fmt``
rewrites, a version's record, last year's results or report), never a part of the new one, and nothing beside it.
Files that belong together (a report's pages, charts and workbooks) take their places together (``together``), once
all are written, so that an error leaves all the old ones."""

from __future__ import annotations

import errno
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
    missing (and removed again when the block raises); of a symbolic link, the file it points to is replaced (the link
    stays); a named pipe or a device is written as it is (``_as_it_is``)."""
    target = Path(path)
    if _as_it_is(target):
        yield target
        return
    try:
        with together() as package:
            yield package.beside(target, mode)
    except OSError as error:
        raise _about(error, target) from error


class Together:
    """Files written together (``together``): each new one beside its place until all are written."""

    def __init__(self) -> None:
        self._placed: list[tuple[Path, Path, int | None]] = []  # (written beside, its place, the mode it takes)
        self._in_place: list[tuple[Path, Path | None]] = []  # (written in place, its old content kept aside)
        self._folders: list[Path] = []  # the folders made for them, outermost first

    def beside(self, path: str | Path, mode: int | None = None) -> Path:
        """A new, empty file beside ``path`` for the caller to write as it would ``path``, put in its place with the
        others (a pipe or a device: ``path`` itself, written as it is). A folder of that name is refused here, before
        any file is in its place."""
        target = Path(path)
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        if _as_it_is(target):
            return target
        if target.is_symlink():
            target = target.resolve()
        self._folders += _made_folders(target.parent)
        try:
            temporary = _new_beside(target)
        except PermissionError:
            if not os.access(target, os.W_OK):
                raise
            # a file one may write in a folder one may not: written in place, its old content kept to put back
            self._in_place.append((target, _copy_aside(target) if target.exists() else None))
            return target
        self._placed.append((temporary, target, mode))
        return temporary

    def place(self) -> None:
        """Put every file in its place, in the order asked for."""
        while self._placed:
            temporary, target, mode = self._placed[0]
            os.chmod(temporary, _mode(target) if mode is None else mode)
            os.replace(temporary, target)
            self._placed.pop(0)
        for _, aside in self._in_place:
            if aside is not None:
                aside.unlink()
        self._in_place.clear()

    def discard(self) -> None:
        """Remove every file not yet in its place, and the folders made for them when nothing else is in them."""
        for temporary, _, _ in self._placed:
            temporary.unlink(missing_ok=True)
        self._placed.clear()
        while self._in_place:
            _put_back(*self._in_place.pop())
        for folder in reversed(self._folders):
            try:
                folder.rmdir()
            except OSError:  # another file was put in it meanwhile: it stays
                break


@contextmanager
def together() -> Iterator[Together]:
    """Several files written whole, all or none (a report's pages, charts and workbooks): ``beside(path)`` gives
    each new file beside its place; when the block ends without an error they all take their places, else none
    does, the new files and the folders made for them are removed, and the old files are left as they were. Placing
    them is a rename each in its own folder, which fails almost never; if one does, those already placed stay."""
    package = Together()
    try:
        yield package
        package.place()
    except BaseException:
        package.discard()
        raise


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


def _copy_aside(target: Path) -> Path:
    """A copy of ``target`` in a private temporary file, to put back should writing ``target`` in place fail."""
    import shutil  # this rare path alone
    import tempfile

    handle, name = tempfile.mkstemp(prefix=f"cqdt-{target.name}.", suffix=".old")
    os.close(handle)
    aside = Path(name)
    try:
        shutil.copyfile(target, aside)
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    return aside


def _put_back(target: Path, aside: Path | None) -> None:
    """``target``, written in place and failed, as it was: its old content copied back (its truncated content's space
    is free again, so a full disk takes it back too), or removed when it was new. Should even that fail, the error
    says where the old content is, and that copy is kept."""
    import shutil

    if aside is None:
        target.unlink(missing_ok=True)
        return
    try:
        shutil.copyfile(aside, target)
    except OSError as error:
        raise OSError(f"{target} could not be written, nor its old content put back: it is kept in {aside}") from error
    aside.unlink()


def _about(error: OSError, target: Path) -> OSError:
    """``error`` as about ``target``, the file the caller writes (a failed write names no file, a failed replace names
    the temporary file beside it): the same kind of error, with the system's reason."""
    if error.errno is None or error.strerror is None:
        return error
    return type(error)(error.errno, error.strerror, str(target))


def _made_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; return those made, outermost first."""
    missing: list[Path] = []
    while not folder.is_dir() and folder != folder.parent:
        missing.insert(0, folder)
        folder = folder.parent
    if missing:
        missing[-1].mkdir(parents=True, exist_ok=True)
    return missing


def _mode(target: Path) -> int:
    """The permissions of the file ``target`` replaces, or those ``open`` gives a new file (under the umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
