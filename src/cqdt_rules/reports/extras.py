"""Optional libraries (the extras of pyproject.toml), imported only by the writers that need them."""

from __future__ import annotations

from typing import Any

from cqdt_rules.errors import UsageError


def require_extra(module: str, extra: str) -> Any:
    """Import an optional dependency or say which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise UsageError(f"this output needs the '{extra}' extra: pip install 'cqdt-rules[{extra}]' "
                         f"(module '{module}' is not installed)") from None
