"""Text as read from a file: decoded (UTF-8 unless asked otherwise), without a byte-order mark, with
``\\n`` line ends, so that every position in a message counts lines and columns as an editor does."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError

ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "cp1258": "cp1258", "windows-1258": "cp1258"}
"""The encodings a data file may be read in: UTF-8 (the default), and Windows-1258, the Vietnamese ANSI
code page Excel uses for "CSV" on a Vietnamese Windows, when asked for explicitly."""

# Windows-1258 writes Vietnamese tones as combining marks, and has the letters ơ ư đ ă
_VIETNAMESE = set("\u0300\u0301\u0303\u0309\u0323ơưđăƠƯĐĂ")


class NotDecodable(ValueError):
    """Bytes that are not text in the expected encoding; says where, and what they look like instead."""

    def __init__(self, line: int, column: int, encoding: str, guess: str):
        self.line, self.column, self.encoding, self.guess = line, column, encoding, guess
        super().__init__(f"the file is not {encoding} text (line {line}, column {column}); it looks like {guess}")

    @property
    def hint(self) -> str:
        return ("save it as UTF-8 (in Excel: Save As → 'CSV UTF-8 (Comma delimited)'; in a text editor: "
                "encoding UTF-8), or read a Windows-1258 file with --encoding cp1258")


class UnicodeNotAnsi(NotDecodable):
    """A file to be read as Windows-1258 whose bytes are UTF-8 text: read as asked, it would be mojibake
    (``Xã`` → ``XÃ£``). Real Windows-1258 Vietnamese is never valid UTF-8 (its tone marks, bytes such as 0xEC,
    stand before a letter, where UTF-8 wants a continuation byte), so the file is refused, not guessed at."""

    def __init__(self, line: int, column: int):
        ValueError.__init__(self, f"the file is UTF-8 text, not Windows-1258 (line {line} is UTF-8)")
        self.line, self.column, self.encoding, self.guess = line, column, "cp1258", "UTF-8"

    @property
    def hint(self) -> str:
        return "read it without --encoding cp1258: UTF-8 is the default"


def _codec_of(chosen: str, first_bytes: bytes) -> str:
    """The codec a file is read with: the one chosen, but UTF-8 for a file that starts with UTF-8's byte-order mark."""
    codec = ENCODINGS.get(chosen.lower(), chosen)
    return "utf-8-sig" if first_bytes.startswith(codecs.BOM_UTF8) else codec


def _check_not_utf8(raw: bytes, codec: str, first_line: int) -> None:
    """Refuse (UnicodeNotAnsi, at its first letter beyond ASCII) bytes read as Windows-1258 that are UTF-8 text;
    ``raw`` starts on line ``first_line``."""
    if codec == "cp1258" and not raw.isascii():
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return
        at = next(i for i, char in enumerate(text) if not char.isascii())
        raise UnicodeNotAnsi(first_line + text.count("\n", 0, at), at - text.rfind("\n", 0, at))


def decode(raw: bytes, encoding: str = "utf-8") -> str:
    """``raw`` as text with ``\\n`` line ends and no byte-order mark; NotDecodable says where it fails."""
    codec = _codec_of(encoding, raw)
    _check_not_utf8(raw, codec, 1)
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise NotDecodable(line, column, "UTF-8" if codec == "utf-8-sig" else encoding, guess_encoding(raw)) from None
    return normal_newlines(text.removeprefix("\ufeff"))


def normal_newlines(text: str) -> str:
    """Windows (CR LF) and old Mac (CR) line ends as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def guess_encoding(raw: bytes) -> str:
    """A person's name for the encoding ``raw`` seems to be in (a guess, for an error message)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 (Excel's 'Unicode Text')"
    try:
        vietnamese = raw.decode("cp1258")
    except UnicodeDecodeError:
        return "a binary file or an unknown encoding"
    if any(c in _VIETNAMESE for c in vietnamese):
        return "Windows-1258 (Vietnamese ANSI, what Excel saves as 'CSV' on a Vietnamese Windows)"
    return "an 8-bit ANSI code page such as Windows-1252"


DATA_ENCODING: ContextVar[str] = ContextVar("cqdt_data_encoding", default="utf-8")
"""The encoding data files are read in when a call names none: UTF-8, unless the command line says
``--encoding cp1258`` (``reading_encoding``)."""


@contextmanager
def reading_encoding(encoding: str) -> Iterator[None]:
    """Read data files in ``encoding`` (see ``model.text.ENCODINGS``) within the ``with`` block."""
    if encoding.lower() not in ENCODINGS:
        raise UsageError(f"cannot read data in '{encoding}': use one of {', '.join(sorted(ENCODINGS))}")
    token = DATA_ENCODING.set(encoding)
    try:
        yield
    finally:
        DATA_ENCODING.reset(token)


def read_data_text(path: Path, encoding: str | None = None) -> str:
    """A YAML or CSV data file's text; a DataError at the first byte that is not text in the encoding."""
    try:
        return decode(path.read_bytes(), encoding or DATA_ENCODING.get())
    except NotDecodable as error:
        raise _refused(path, error) from None


def data_lines(path: Path, encoding: str | None = None, read: Callable[[int], None] | None = None) -> Iterator[str]:
    """A data file's text line by line as it is read (each line ending in ``\\n``, no byte-order mark), so that
    a file of any size is read in little memory; ``read(n)`` is told of every n bytes read. A DataError at
    the first byte that is not text in the encoding, as ``read_data_text`` says it."""
    chosen = encoding or DATA_ENCODING.get()
    codec = ENCODINGS.get(chosen.lower(), chosen)
    with path.open("rb") as file:
        for number, raw in enumerate(file, 1):
            if number == 1:
                codec = _codec_of(chosen, raw)
            if codec == "cp1258":
                try:
                    _check_not_utf8(raw, codec, number)
                except UnicodeNotAnsi as error:
                    raise _refused(path, error) from None
            try:
                text = raw.decode(codec if number == 1 else codec.removesuffix("-sig"))
            except UnicodeDecodeError as error:
                raise _undecodable(path, number, error.start + 1, codec, chosen, raw) from None
            if number == 1:
                text = text.removeprefix("\ufeff")
            if "\r" in text:
                parts = normal_newlines(text).split("\n")
                yield from (part + "\n" for part in parts[:-1])
                if parts[-1]:
                    yield parts[-1]
            else:
                yield text
            if read is not None:
                read(len(raw))


BLOCK_BYTES = 1024 * 1024
"""About how many bytes of a data file ``data_blocks`` decodes at a time."""


def data_blocks(path: Path, encoding: str | None = None, read: Callable[[int], None] | None = None) -> Iterator[str]:
    """A data file's text as ``data_lines`` gives it, in blocks of whole lines of about ``BLOCK_BYTES`` each:
    the same text and errors, for a reader that scans text rather than lines (a line is never split)."""
    chosen = encoding or DATA_ENCODING.get()
    codec = ENCODINGS.get(chosen.lower(), chosen)
    lines_before, rest, first = 0, b"", True
    with path.open("rb") as file:
        while True:
            chunk = file.read(BLOCK_BYTES)
            raw = rest + chunk
            cut = len(raw) if not chunk else raw.rfind(b"\n") + 1
            if not chunk and not raw:
                return
            if cut == 0:  # no line end yet: read on (a line is never split)
                rest = raw
                continue
            raw, rest = raw[:cut], raw[cut:]
            if first:
                codec = _codec_of(chosen, raw)
            try:
                _check_not_utf8(raw, codec, lines_before + 1)
            except UnicodeNotAnsi as error:
                raise _refused(path, error) from None
            try:
                text = raw.decode(codec if first else codec.removesuffix("-sig"))
            except UnicodeDecodeError as error:
                line_start = raw.rfind(b"\n", 0, error.start) + 1
                line_raw = raw[line_start:raw.find(b"\n", error.start) + 1 or len(raw)]
                raise _undecodable(path, lines_before + raw.count(b"\n", 0, error.start) + 1,
                                   error.start - line_start + 1, codec, chosen, line_raw) from None
            if first:
                text, first = text.removeprefix("\ufeff"), False
            lines_before += raw.count(b"\n")
            yield normal_newlines(text)
            if read is not None:
                read(len(raw))
            if not chunk:
                return


def _undecodable(path: Path, line: int, column: int, codec: str, chosen: str, raw: bytes) -> DataError:
    """The error for a line's bytes that are not text in the encoding: where, and what they look like instead."""
    return _refused(path, NotDecodable(line, column, "UTF-8" if codec == "utf-8-sig" else chosen, guess_encoding(raw)))


def _refused(path: Path, problem: NotDecodable) -> DataError:
    return DataError([Diagnostic(Span(str(path), problem.line, problem.column, problem.line, problem.column + 1),
                                 str(problem), hint=problem.hint)])
