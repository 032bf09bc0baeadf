"""Making instances of frozen attrs classes in the engines' inner loops without calling their ``__init__``.

A frozen slotted attrs class's ``__init__`` sets each field's slot through ``object.__setattr__``; when that is
all it does, setting the slots directly makes the same object at half the cost (the checker and the scorer
make one or more per unit). Whether that is all it does is read off the class, so a hook, validator or
converter added later is never skipped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

Setter = Callable[[Any, Any], None]


def init_only_sets_slots(cls: type) -> bool:
    """Whether the attrs ``__init__`` of ``cls`` does nothing but set a slot per field from its argument (no hook,
    validator or converter, and no other slot, such as a cached hash, to set)."""
    fields = attrs.fields(cls)
    slots = set(vars(cls).get("__slots__", ())) - {"__weakref__"}
    return (slots == {f.name for f in fields}
            and all(f.init and f.validator is None and f.converter is None for f in fields)
            and not any(hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__")))


def slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Setter, ...]:
    """The setters of the slots of ``cls``'s fields, which must be ``names`` in order, for a maker that sets them
    all. Raises TypeError when the fields are not ``names`` (a field added to the class would be left out) or
    ``__init__`` does more than set them."""
    if tuple(field.name for field in attrs.fields(cls)) != names or not init_only_sets_slots(cls):
        raise TypeError(f"the maker of {cls.__name__} is out of date: its fields are not {names}, "
                        "or its __init__ does more than set them")
    return tuple(getattr(cls, name).__set__ for name in names)
