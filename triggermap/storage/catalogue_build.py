"""Write the catalogue to data/points.db: plain tables, foreign keys, indexes and FTS5.

The build is deterministic (same sources, same rows in the same order) and atomic: it writes
a temporary file beside the target and moves it into place only when complete, so a failed
build leaves the previous data/points.db untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import sqlite_utils

from triggermap.catalogue.model import PREVALENCE_WEIGHT, Catalogue, Hazard

# Stored in PRAGMA user_version so a reader can refuse a catalogue it does not understand.
from triggermap.storage.catalogue_file import SCHEMA_VERSION


def build_catalogue_db(
    catalogue: Catalogue, zone_views: Mapping[str, Sequence[str]], target: Path
) -> None:
    """Write the catalogue to `target`, replacing it only once the new file is complete.

    `zone_views` maps each zone id to the body views whose SVG shows it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(dir=target.parent, prefix=".points-", suffix=".db")
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        temporary.unlink()
        db = sqlite_utils.Database(temporary)
        try:
            _write(db, catalogue, zone_views)
            db.execute("VACUUM")
        finally:
            db.close()
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _write(
    db: sqlite_utils.Database, catalogue: Catalogue, zone_views: Mapping[str, Sequence[str]]
) -> None:
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    _create_tables(db)
    with db.atomic():
        db["sources"].insert_all(
            {"id": s.id, "citation": s.citation} for s in catalogue.sources.values()
        )
        db["zones"].insert_all(
            {"id": z.id, "name": z.name, "view": z.view, "sides": z.sides}
            for z in catalogue.zones.values()
        )
        db["zone_views"].insert_all(
            {"zone_id": zone, "view": view}
            for zone in catalogue.zones
            for view in sorted(zone_views.get(zone, ()))
        )
        db["muscles"].insert_all(
            {
                "id": m.id,
                "name": m.name,
                "latin_name": m.latin_name,
                "synonyms": "; ".join(m.synonyms),
                "region": m.region,
                "origin": m.origin,
                "insertion": m.insertion,
                "action": m.action,
                "innervation": m.innervation,
                "source_id": m.source,
            }
            for m in catalogue.muscles.values()
        )
        points = catalogue.trigger_points()
        db["trigger_points"].insert_all(
            {
                "id": p.id,
                "muscle_id": p.muscle_id,
                "label": p.label,
                "view": p.view,
                "x": p.x,
                "y": p.y,
                "prevalence": p.prevalence,
                "prevalence_weight": PREVALENCE_WEIGHT[p.prevalence],
                "location": p.location,
                "symptoms": "; ".join(p.symptoms),
                "perpetuating_factors": "; ".join(p.perpetuating_factors),
                "source_id": p.source,
                "not_needled": p.not_needled,
            }
            for p in points
        )
        db["referrals"].insert_all(
            {"trigger_point_id": p.id, "zone_id": zone, "kind": kind, "position": position}
            for p in points
            for kind, zones in (("essential", p.essential), ("spillover", p.spillover))
            for position, zone in enumerate(zones)
        )
        db["needling"].insert_all(
            {
                "trigger_point_id": p.id,
                "patient_position": p.needling.position,
                "approach": p.needling.approach,
                "palpation": p.needling.palpation,
                "depth_min_mm": p.needling.depth_min_mm,
                "depth_max_mm": p.needling.depth_max_mm,
                "source_id": p.needling.source or p.source,
            }
            for p in points
            if p.needling is not None
        )
        db["needle_choices"].insert_all(
            {
                "trigger_point_id": p.id,
                "build": n.build,
                "length_mm": n.length_mm,
                "gauge_mm": n.gauge_mm,
                "position": position,
            }
            for p in points
            if p.needling is not None
            for position, n in enumerate(p.needling.needles)
        )
        hazard_rows = []
        hazards_in_order = []
        for muscle in catalogue.muscles.values():
            for number, hazard in enumerate(muscle.hazards, start=1):
                hazard_rows.append(_hazard_row(f"{muscle.id}.h{number}", None, muscle.id, hazard))
                hazards_in_order.append(hazard)
            for point in muscle.trigger_points:
                for number, hazard in enumerate(point.hazards, start=1):
                    hazard_rows.append(_hazard_row(f"{point.id}.h{number}", point.id, None, hazard))
                    hazards_in_order.append(hazard)
        db["hazards"].insert_all(hazard_rows)
        db["hazard_limits"].insert_all(
            {
                "hazard_id": row["id"],
                "build": limit.build,
                "sex": limit.sex,
                "max_depth_mm": limit.max_depth_mm,
                "source_id": limit.source,
            }
            for row, hazard in zip(hazard_rows, hazards_in_order, strict=True)
            for limit in hazard.limits
        )
        db["conditions"].insert_all(
            {
                "id": c.id,
                "name": c.name,
                "icd10": c.icd10,
                "synonyms": "; ".join(c.synonyms),
                "description": c.description,
                "source_id": c.source,
                "first_listed": c.first_listed,
            }
            for c in catalogue.conditions.values()
        )
        db["condition_muscles"].insert_all(
            {"condition_id": c.id, "muscle_id": m, "rank": rank}
            for c in catalogue.conditions.values()
            for rank, m in enumerate(c.muscles, start=1)
        )
        db["contraindications"].insert_all(
            {
                "id": c.id,
                "name": c.name,
                "severity": c.severity,
                "scope": c.scope,
                "note": c.note,
                "avoid_note": c.avoid_note,
                "under_age_years": c.under_age_years,
                "source_id": c.source,
            }
            for c in catalogue.contraindications.values()
        )
        db["contraindication_avoid"].insert_all(
            {"contraindication_id": c.id, "muscle_id": m, "trigger_point_id": None}
            for c in catalogue.contraindications.values()
            for m in c.avoid_muscles
        )
        db["contraindication_avoid"].insert_all(
            {"contraindication_id": c.id, "muscle_id": None, "trigger_point_id": t}
            for c in catalogue.contraindications.values()
            for t in c.avoid_points
        )
        db["adverse_events"].insert_all(
            {
                "id": a.id,
                "name": a.name,
                "seriousness": a.seriousness,
                "rate": a.rate,
                "note": a.note,
                "source_id": a.source,
            }
            for a in catalogue.adverse_events.values()
        )
        db["caveats"].insert_all(
            {"id": c.id, "text": c.text, "source_id": c.source} for c in catalogue.caveats.values()
        )
    # Full-text search for the explorer's search field; porter stemming so that "headaches"
    # finds "headache". No triggers: the catalogue is read-only once built.
    db["muscles"].enable_fts(["name", "latin_name", "synonyms"], tokenize="porter")
    db["conditions"].enable_fts(["name", "synonyms", "description"], tokenize="porter")
    db["trigger_points"].enable_fts(["symptoms", "location"], tokenize="porter")


def _hazard_row(
    hazard_id: str, point_id: str | None, muscle_id: str | None, hazard: Hazard
) -> dict:
    return {
        "id": hazard_id,
        "trigger_point_id": point_id,
        "muscle_id": muscle_id,
        "kind": hazard.kind,
        "structure": hazard.structure,
        "side": hazard.side,
        "max_depth_mm": hazard.max_depth_mm,
        "technique": hazard.technique,
        "note": hazard.note,
        "limits_note": hazard.limits_note,
        "source_id": hazard.source,
    }


def _create_tables(db: sqlite_utils.Database) -> None:
    source_fk = ("source_id", "sources", "id")
    db["sources"].create({"id": str, "citation": str}, pk="id", not_null={"citation"})
    db["zones"].create(
        {"id": str, "name": str, "view": str, "sides": str},
        pk="id",
        not_null={"name", "view", "sides"},
    )
    db["zone_views"].create(
        {"zone_id": str, "view": str},
        pk=("zone_id", "view"),
        foreign_keys=[("zone_id", "zones", "id")],
    )
    db["muscles"].create(
        {
            "id": str,
            "name": str,
            "latin_name": str,
            "synonyms": str,
            "region": str,
            "origin": str,
            "insertion": str,
            "action": str,
            "innervation": str,
            "source_id": str,
        },
        pk="id",
        foreign_keys=[source_fk],
        not_null={"name", "source_id"},
    )
    db["trigger_points"].create(
        {
            "id": str,
            "muscle_id": str,
            "label": str,
            "view": str,
            "x": float,
            "y": float,
            "prevalence": str,
            "prevalence_weight": int,
            "location": str,
            "symptoms": str,
            "perpetuating_factors": str,
            "source_id": str,
            "not_needled": str,  # why the point is treated by hand only; '' when needled
        },
        pk="id",
        foreign_keys=[("muscle_id", "muscles", "id"), source_fk],
        not_null={"muscle_id", "label", "view", "x", "y", "prevalence", "source_id"},
    )
    db["referrals"].create(
        {"trigger_point_id": str, "zone_id": str, "kind": str, "position": int},
        pk=("trigger_point_id", "zone_id"),
        foreign_keys=[("trigger_point_id", "trigger_points", "id"), ("zone_id", "zones", "id")],
        not_null={"kind"},
    )
    db["needling"].create(
        {
            "trigger_point_id": str,
            "patient_position": str,
            "approach": str,
            "palpation": str,
            "depth_min_mm": float,
            "depth_max_mm": float,
            "source_id": str,
        },
        pk="trigger_point_id",
        foreign_keys=[("trigger_point_id", "trigger_points", "id"), source_fk],
    )
    db["needle_choices"].create(
        {
            "trigger_point_id": str,
            "build": str,
            "length_mm": float,
            "gauge_mm": float,
            "position": int,
        },
        pk=("trigger_point_id", "build"),
        foreign_keys=[("trigger_point_id", "trigger_points", "id")],
    )
    db["hazards"].create(
        {
            "id": str,
            "trigger_point_id": str,
            "muscle_id": str,
            "kind": str,
            "side": str,
            "structure": str,
            "max_depth_mm": float,
            "technique": str,
            "note": str,
            "limits_note": str,
            "source_id": str,
        },
        pk="id",
        foreign_keys=[
            ("trigger_point_id", "trigger_points", "id"),
            ("muscle_id", "muscles", "id"),
            source_fk,
        ],
        not_null={"kind", "structure"},
    )
    # explicit depth limits per build and sex; hazards.max_depth_mm repeats the average build
    # for readers of the plain database
    db["hazard_limits"].create(
        {"hazard_id": str, "build": str, "sex": str, "max_depth_mm": float, "source_id": str},
        pk=("hazard_id", "build", "sex"),
        foreign_keys=[("hazard_id", "hazards", "id"), source_fk],
        not_null={"max_depth_mm"},
    )
    db["conditions"].create(
        {
            "id": str,
            "name": str,
            "icd10": str,
            "synonyms": str,
            "description": str,
            "source_id": str,
            "first_listed": str,  # a code listed before icd10 (Z41.1); '' when none
        },
        pk="id",
        foreign_keys=[source_fk],
        not_null={"name", "icd10"},
    )
    db["condition_muscles"].create(
        {"condition_id": str, "muscle_id": str, "rank": int},
        pk=("condition_id", "muscle_id"),
        foreign_keys=[("condition_id", "conditions", "id"), ("muscle_id", "muscles", "id")],
    )
    db["contraindications"].create(
        {
            "id": str,
            "name": str,
            "severity": str,
            "scope": str,
            "note": str,
            "avoid_note": str,
            "under_age_years": int,
            "source_id": str,
        },
        pk="id",
        foreign_keys=[source_fk],
        not_null={"name", "severity"},
    )
    # muscles or trigger points not to needle while a contraindication is present
    db["contraindication_avoid"].create(
        {"contraindication_id": str, "muscle_id": str, "trigger_point_id": str},
        foreign_keys=[
            ("contraindication_id", "contraindications", "id"),
            ("muscle_id", "muscles", "id"),
            ("trigger_point_id", "trigger_points", "id"),
        ],
    )
    db["adverse_events"].create(
        {"id": str, "name": str, "seriousness": str, "rate": str, "note": str, "source_id": str},
        pk="id",
        foreign_keys=[source_fk],
    )
    db["caveats"].create(
        {"id": str, "text": str, "source_id": str}, pk="id", foreign_keys=[source_fk]
    )
    db["trigger_points"].create_index(["muscle_id"])
    db["referrals"].create_index(["zone_id", "kind"])
    db["hazards"].create_index(["trigger_point_id"])
    db["hazards"].create_index(["muscle_id"])
    db["condition_muscles"].create_index(["muscle_id"])
