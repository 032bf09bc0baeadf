"""Text from the data or the ruleset in Markdown: escaped so Markdown shows it as written, never as markup."""

from __future__ import annotations

import re


def escape_markdown(text: str) -> str:
    """``text`` with HTML (``<script>``), links and images (``[a](b)``, ``![a](b)``), emphasis and table pipes
    escaped, and line breaks made spaces (a table cell or heading is one line)."""
    # str.translate maps a Vietnamese text character by character (microseconds for a short line): only a text
    # holding a character to escape is translated
    return text.translate(_ESCAPES) if _TO_ESCAPE.search(text) else text


_ESCAPES = str.maketrans({"\\": "\\\\", "&": "&amp;", "\n": " ", **{c: "\\" + c for c in "*_`[]<>|"}})
_TO_ESCAPE = re.compile("[" + re.escape("".join(chr(c) for c in _ESCAPES)) + "]")
