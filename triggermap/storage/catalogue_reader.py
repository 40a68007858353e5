"""Read the built catalogue (data/points.db) into domain values, read-only."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from triggermap.catalogue.model import (
    AdverseEvent,
    Catalogue,
    Caveat,
    Condition,
    ConditionId,
    Contraindication,
    Hazard,
    HazardLimit,
    Muscle,
    MuscleId,
    NeedleChoice,
    Needling,
    Source,
    SourceId,
    TriggerPoint,
    TriggerPointId,
    Zone,
    ZoneId,
)
from triggermap.storage.catalogue_file import open_checked_catalogue
from triggermap.storage.errors import CatalogueUnavailable

__all__ = ["CatalogueUnavailable", "dump_catalogue", "open_catalogue_db", "read_catalogue"]


class CatalogueDb:
    """The catalogue file open read-only: rows by column name. The read path needs no more
    than sqlite3 (sqlite-utils, which builds the file, took about 100 ms to import at start)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        connection.row_factory = sqlite3.Row
        self._connection = connection

    def query(self, sql: str, params: Sequence[object] = ()) -> Iterator[sqlite3.Row]:
        """The rows of a SELECT (values bound, never formatted into the SQL)."""
        return iter(self._connection.execute(sql, tuple(params)))

    def close(self) -> None:
        self._connection.close()


def open_catalogue_db(path: Path) -> CatalogueDb:
    """Open the catalogue read-only; raises CatalogueUnavailable with a plain message."""
    return CatalogueDb(open_checked_catalogue(path))


def read_catalogue(path: Path) -> Catalogue:
    """The whole catalogue as domain values."""
    db = open_catalogue_db(path)
    try:
        return _read(db)
    except sqlite3.DatabaseError as error:
        raise CatalogueUnavailable(
            f"The trigger-point catalogue {path} cannot be read ({error}); reinstall triggermap."
        ) from error
    finally:
        db.close()


def _read(db: CatalogueDb) -> Catalogue:
    catalogue = Catalogue()
    for row in db.query("select * from sources order by rowid"):
        catalogue.sources[SourceId(row["id"])] = Source(SourceId(row["id"]), row["citation"])
    for row in db.query("select * from zones order by rowid"):
        catalogue.zones[ZoneId(row["id"])] = Zone(
            ZoneId(row["id"]), row["name"], row["view"], row["sides"]
        )

    hazards_by_point: dict[str, list[Hazard]] = defaultdict(list)
    hazards_by_muscle: dict[str, list[Hazard]] = defaultdict(list)
    limits: dict[str, list[HazardLimit]] = defaultdict(list)
    for row in db.query("select * from hazard_limits order by rowid"):
        limits[row["hazard_id"]].append(
            HazardLimit(
                row["build"], row["sex"], row["max_depth_mm"], SourceId(row["source_id"] or "")
            )
        )
    for row in db.query("select * from hazards order by rowid"):
        hazard = Hazard(
            row["kind"],
            row["structure"],
            row["max_depth_mm"],
            row["technique"] or "",
            row["note"] or "",
            SourceId(row["source_id"] or ""),
            side=row["side"] or "",
            limits=tuple(limits[row["id"]]),
            limits_note=row["limits_note"] or "",
        )
        if row["trigger_point_id"]:
            hazards_by_point[row["trigger_point_id"]].append(hazard)
        else:
            hazards_by_muscle[row["muscle_id"]].append(hazard)
    referrals: dict[str, dict[str, list[ZoneId]]] = defaultdict(lambda: defaultdict(list))
    for row in db.query("select * from referrals order by trigger_point_id, kind, position"):
        referrals[row["trigger_point_id"]][row["kind"]].append(ZoneId(row["zone_id"]))
    needles: dict[str, list[NeedleChoice]] = defaultdict(list)
    for row in db.query("select * from needle_choices order by trigger_point_id, position"):
        needles[row["trigger_point_id"]].append(
            NeedleChoice(row["build"], row["length_mm"], row["gauge_mm"])
        )
    needling: dict[str, Needling] = {}
    for row in db.query("select * from needling"):
        needling[row["trigger_point_id"]] = Needling(
            row["patient_position"],
            row["approach"],
            row["palpation"],
            row["depth_min_mm"],
            row["depth_max_mm"],
            tuple(needles[row["trigger_point_id"]]),
            SourceId(row["source_id"] or ""),
        )
    points: dict[str, list[TriggerPoint]] = defaultdict(list)
    for row in db.query("select * from trigger_points order by rowid"):
        point_id = row["id"]
        points[row["muscle_id"]].append(
            TriggerPoint(
                id=TriggerPointId(point_id),
                muscle_id=MuscleId(row["muscle_id"]),
                label=row["label"],
                view=row["view"],
                x=row["x"],
                y=row["y"],
                prevalence=row["prevalence"],
                location=row["location"] or "",
                essential=tuple(referrals[point_id]["essential"]),
                spillover=tuple(referrals[point_id]["spillover"]),
                symptoms=_split(row["symptoms"]),
                perpetuating_factors=_split(row["perpetuating_factors"]),
                needling=needling.get(point_id),
                hazards=tuple(hazards_by_point[point_id]),
                source=SourceId(row["source_id"]),
                not_needled=row["not_needled"] or "",
            )
        )
    for row in db.query("select * from muscles order by rowid"):
        muscle_id = row["id"]
        catalogue.muscles[MuscleId(muscle_id)] = Muscle(
            id=MuscleId(muscle_id),
            name=row["name"],
            latin_name=row["latin_name"] or "",
            synonyms=_split(row["synonyms"]),
            region=row["region"] or "",
            origin=row["origin"] or "",
            insertion=row["insertion"] or "",
            action=row["action"] or "",
            innervation=row["innervation"] or "",
            source=SourceId(row["source_id"]),
            hazards=tuple(hazards_by_muscle[muscle_id]),
            trigger_points=tuple(points[muscle_id]),
        )
    implicated: dict[str, list[MuscleId]] = defaultdict(list)
    for row in db.query("select * from condition_muscles order by condition_id, rank"):
        implicated[row["condition_id"]].append(MuscleId(row["muscle_id"]))
    for row in db.query("select * from conditions order by rowid"):
        catalogue.conditions[ConditionId(row["id"])] = Condition(
            ConditionId(row["id"]),
            row["name"],
            row["icd10"],
            _split(row["synonyms"]),
            row["description"] or "",
            tuple(implicated[row["id"]]),
            SourceId(row["source_id"] or ""),
            row["first_listed"] or "",
        )
    avoid_muscles: dict[str, list[MuscleId]] = defaultdict(list)
    avoid_points: dict[str, list[TriggerPointId]] = defaultdict(list)
    for row in db.query("select * from contraindication_avoid order by rowid"):
        if row["muscle_id"]:
            avoid_muscles[row["contraindication_id"]].append(MuscleId(row["muscle_id"]))
        if row["trigger_point_id"]:
            avoid_points[row["contraindication_id"]].append(TriggerPointId(row["trigger_point_id"]))
    for row in db.query("select * from contraindications order by rowid"):
        catalogue.contraindications[row["id"]] = Contraindication(
            row["id"],
            row["name"],
            row["severity"],
            row["note"] or "",
            SourceId(row["source_id"] or ""),
            scope=row["scope"] or "whole",
            avoid_muscles=tuple(avoid_muscles[row["id"]]),
            avoid_points=tuple(avoid_points[row["id"]]),
            avoid_note=row["avoid_note"] or "",
            under_age_years=row["under_age_years"],
        )
    for row in db.query("select * from adverse_events order by rowid"):
        catalogue.adverse_events[row["id"]] = AdverseEvent(
            row["id"],
            row["name"],
            row["seriousness"] or "",
            row["rate"] or "",
            row["note"] or "",
            SourceId(row["source_id"] or ""),
        )
    for row in db.query("select * from caveats order by rowid"):
        catalogue.caveats[row["id"]] = Caveat(
            row["id"], row["text"], SourceId(row["source_id"] or "")
        )
    return catalogue


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(part for part in (text or "").split("; ") if part)


def dump_catalogue(path: Path) -> list[str]:
    """The catalogue's SQL dump, line by line: the logical content, for comparing two builds."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()
