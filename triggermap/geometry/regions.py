"""Region ids of the atlas (`muscle.<muscle_id>.<side>`, `zone.<zone_id>.<side>`) as values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["muscle", "zone"]
#: The one vocabulary of body sides. A side of a region: a paired muscle's or zone's, or the
#: midline (a zone that crosses it, such as the navel).
Side = Literal["left", "right", "midline"]
#: The sides of a paired structure (a muscle, a trigger point, a needle, a hazard confined to
#: one side), patient's right first as the front view shows them.
PairedSide = Literal["left", "right"]
PAIRED_SIDES: tuple[PairedSide, ...] = ("right", "left")

_REGION_ID = re.compile(r"(muscle|zone)\.([a-z][a-z0-9_]*)\.(left|right|midline)")


@dataclass(frozen=True, order=True)
class RegionId:
    """One clickable region of a view: a muscle or skin zone on one side of the body."""

    kind: Kind
    name: str
    side: Side

    def __str__(self) -> str:
        return f"{self.kind}.{self.name}.{self.side}"

    def other_side(self) -> RegionId:
        """The same region on the patient's other side (a midline region is its own mirror)."""
        if self.side == "midline":
            return self
        return RegionId(self.kind, self.name, "left" if self.side == "right" else "right")


def parse_region_id(text: str) -> RegionId:
    """Parse an SVG element id; raises ValueError if it does not follow the id contract."""
    match = _REGION_ID.fullmatch(text)
    if not match:
        raise ValueError(
            f"id {text!r} is not muscle.<id>.<left|right> or zone.<id>.<left|right|midline>"
        )
    kind, name, side = match.groups()
    if kind == "muscle" and side == "midline":
        raise ValueError(f"id {text!r}: muscles are paired, so a muscle has no midline side")
    return RegionId(kind, name, side)  # type: ignore[arg-type]


def painted_zone(text: str) -> RegionId | None:
    """The skin zone a pain mark's stored region id names; None when it names none (a value
    changed outside the program is shown as it is, not guessed at)."""
    try:
        region = parse_region_id(text)
    except ValueError:
        return None
    return region if region.kind == "zone" else None
