"""XLSX and DOCX files are zip packages of XML parts. A part too large to build in memory (a national cohort's
rankings) is written into the saved package a piece at a time: ``rewrite_parts``."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO

from cqdt_rules.files import replacing

PartRewrite = Callable[[IO[bytes]], Iterable[bytes]]
"""What a part becomes: its bytes as saved (a file to read) → the bytes to write instead, in pieces."""


def rewrite_parts(path: Path, rewrites: Mapping[str, PartRewrite]) -> None:
    """Rewrite the package ``path``: each part named in ``rewrites`` (e.g. ``word/document.xml``) as its rewrite
    makes it, written piece by piece as the pieces come; every other part as it is, in the same order. The new
    package is written whole (``files.replacing``): a rewrite that fails (a full disk, an interrupt) leaves the
    package as saved and nothing beside it."""
    with replacing(path) as written, zipfile.ZipFile(path) as source, \
            zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            with source.open(info) as part, target.open(info, "w") as out:
                rewrite = rewrites.get(info.filename)
                if rewrite is None:
                    shutil.copyfileobj(part, out)
                else:
                    out.writelines(rewrite(part))
