"""The kinds of safety warning the plan raises, in one table: what each is called, whether it
stops or limits the needle, and whether it is about the patient rather than one point.

The screens (the banner's colours and order, the warning dialog, the plan's tooltips, the
map's hover tips) and the clinician PDF read this table, so a kind is named and weighed the
same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WarningKind:
    """One kind of safety warning."""

    #: what the therapist reads ("Pneumothorax risk")
    title: str
    #: it stops the needle or limits its depth (shown red); else it asks for care (amber)
    stops: bool = False
    #: it concerns the patient (screening, consent), not one trigger point: listed first
    about_patient: bool = False


WARNING_KINDS: dict[str, WarningKind] = {
    "pneumothorax": WarningKind("Pneumothorax risk", stops=True),
    "neurovascular": WarningKind("Nerves and vessels nearby", stops=True),
    "organ": WarningKind("Organ nearby", stops=True),
    "both_sides_of_thorax": WarningKind("Both sides of the thorax"),
    "contraindication": WarningKind("Contraindication", stops=True, about_patient=True),
    "precaution": WarningKind("Precaution", about_patient=True),
    "no_consent": WarningKind("No consent recorded", about_patient=True),
    "no_screening": WarningKind("No screening recorded", about_patient=True),
    "depth_beyond_limit_confirmed": WarningKind("Depth beyond the limit, confirmed at signing"),
    "not_needled": WarningKind("Treated by hand, not needled", stops=True),
}


def warning_kind(kind: str) -> WarningKind:
    """The table's entry for `kind`; a kind it does not know (a record changed outside the
    program, or written by a later version) is named from its id and asks for care."""
    known = WARNING_KINDS.get(kind)
    if known is not None:
        return known
    return WarningKind(str(kind).replace("_", " ").capitalize())


def warning_title(kind: str) -> str:
    """What a warning of `kind` is called."""
    return warning_kind(kind).title
