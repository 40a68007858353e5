"""Joining two windows' edits of one record: a three-way merge by field.

When a save is refused because another window changed the record since this one read it,
the program does not drop either side's work. It compares both with the version they started
from (`base`): a field only one side changed takes that side's value; a field both changed to
the same value is no conflict; a field both changed differently is a conflict, and keeps the
stored (other window's) value while the caller shows the user their own, so nothing typed is
lost and nothing is overwritten unseen.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Generic, TypeVar

Record = TypeVar("Record")


@dataclass(frozen=True)
class Merge(Generic[Record]):
    """The merged record (at the stored version), which of its fields came from this window's
    edit, and which fields both sides changed differently (kept as stored)."""

    record: Record
    taken_from_mine: tuple[str, ...]
    conflicts: tuple[str, ...]


def merge_edits(base: Record, mine: Record, theirs: Record) -> Merge[Record]:
    """Three-way merge of two edits of one record (frozen dataclasses of one type) by field.

    `base`: the record as both edits started from; `mine`: this window's edit; `theirs`: the
    record as now stored. Fields outside equality (the version) come from `theirs`."""
    changes: dict[str, object] = {}
    taken: list[str] = []
    conflicts: list[str] = []
    for field in dataclasses.fields(mine):  # type: ignore[arg-type]
        if not field.compare:
            continue
        name = field.name
        original, ours, stored = getattr(base, name), getattr(mine, name), getattr(theirs, name)
        if ours == original or ours == stored:
            continue  # this window did not change it, or both made the same change
        if stored == original:
            changes[name] = ours
            taken.append(name)
        else:
            conflicts.append(name)
    merged = dataclasses.replace(theirs, **changes)  # type: ignore[type-var]
    return Merge(merged, tuple(taken), tuple(conflicts))
