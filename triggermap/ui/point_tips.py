"""What the map says about a trigger point's X under the pointer: its name and side, and
the open patient's depth limit there."""

from __future__ import annotations

from triggermap.catalogue.model import Catalogue, TriggerPointId, point_title
from triggermap.clinic.model import Patient
from triggermap.clinic.safety import depth_limit, hazards_of
from triggermap.clinic.warning_kinds import warning_title


def trigger_point_tip(
    catalogue: Catalogue, point_id: str, side: str, patient: Patient | None
) -> list[str]:
    """Lines naming a trigger point on the patient's `side` ("Upper trapezius TrP1, left"),
    then one line per hazard that lies on that side: with a patient, the deepest insertion
    allowed for their build and sex (mm) or that the hazard is avoided by direction.

    The smallest limit comes first; a hazard kind named twice (the point's and its muscle's)
    is said once, with its smaller limit.
    """
    lines = [f"{point_title(catalogue, point_id)}, {side}"]
    try:
        point = catalogue.trigger_point(TriggerPointId(point_id))
    except KeyError:
        return lines
    by_kind: dict[str, float | None] = {}
    for hazard in hazards_of(catalogue, point, side):
        limit = depth_limit(hazard, patient) if patient is not None else None
        depth = limit.max_depth_mm if limit is not None else None
        known = by_kind.get(hazard.kind)
        if hazard.kind not in by_kind or (depth is not None and (known is None or depth < known)):
            by_kind[hazard.kind] = depth
    # limits first, smallest first; then hazards avoided by direction, in catalogue order
    ordered = sorted(by_kind.items(), key=lambda item: (item[1] is None, item[1] or 0.0))
    for kind, depth in ordered:
        title = warning_title(kind)
        if patient is None:
            lines.append(f"⚠ {title}")
        elif depth is None:
            lines.append(f"⚠ {title}: avoid it by the needle's direction")
        else:
            lines.append(f"⚠ {title}: no deeper than {depth:g} mm for this patient")
    return lines
