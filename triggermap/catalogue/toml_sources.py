"""Read the human-edited catalogue sources (data/catalogue/*.toml) into domain values.

Structural problems (bad TOML, a missing field, a wrong type) raise CatalogueSourceError with
the file and line; cross-record problems (unknown ids, points outside their muscle) are the
checker's job and use the locations this reader records.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triggermap.catalogue.model import (
    PREVALENCE_WEIGHT,
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


class CatalogueSourceError(ValueError):
    """A catalogue source file that cannot be read; names the file and line."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Location:
    """Where a record was written: file and 1-based line (0 when unknown)."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class SourceIndex:
    """Locations of records by kind and id, for problem reports."""

    records: dict[tuple[str, str], Location] = field(default_factory=dict)

    def of(self, kind: str, record_id: str) -> Location:
        return self.records.get((kind, record_id), Location("data/catalogue", 0))


def read_catalogue_sources(folder: Path) -> tuple[Catalogue, SourceIndex]:
    """Read every catalogue source file in `folder` (see data/catalogue/README.md)."""
    _LINE_CACHE.clear()  # files may have changed since the last read
    index = SourceIndex()
    catalogue = Catalogue()
    for path in sorted(folder.glob("sources*.toml")):
        for key, table in _load(path).items():
            _check_new(catalogue.sources, key, path)
            catalogue.sources[SourceId(key)] = Source(SourceId(key), _text(table, "citation", path))
            index.records[("source", key)] = _locate(path, key)
    zones_path = folder / "zones.toml"
    if zones_path.exists():
        for key, table in _load(zones_path).items():
            sides = _text(table, "sides", zones_path)
            if sides not in ("both", "midline"):
                raise CatalogueSourceError(
                    zones_path,
                    _line_of(zones_path, f"[{key}]"),
                    f"zone {key}: sides must be 'both' or 'midline'",
                )
            catalogue.zones[ZoneId(key)] = Zone(
                ZoneId(key),
                _text(table, "name", zones_path),
                _text(table, "view", zones_path),
                sides,  # type: ignore[arg-type]
            )
            index.records[("zone", key)] = _locate(zones_path, key)
    for path in sorted((folder / "muscles").glob("*.toml")):
        for key, table in _load(path).items():
            _check_new(catalogue.muscles, key, path)
            catalogue.muscles[MuscleId(key)] = _muscle(key, table, path, index)
    conditions_path = folder / "conditions.toml"
    if conditions_path.exists():
        for key, table in _load(conditions_path).items():
            catalogue.conditions[ConditionId(key)] = _condition(key, table, conditions_path)
            index.records[("condition", key)] = _locate(conditions_path, key)
    safety_path = folder / "safety.toml"
    if safety_path.exists():
        _safety(_load(safety_path), safety_path, catalogue, index)
    return catalogue, index


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueSourceError(path, None, f"cannot be read ({error})") from error
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        if line is None:
            found = re.search(r"line (\d+)", str(error))
            line = int(found.group(1)) if found else None
        raise CatalogueSourceError(
            path, line, f"is not valid TOML ({error.msg if hasattr(error, 'msg') else error})"
        ) from error


def _muscle(key: str, table: dict[str, Any], path: Path, index: SourceIndex) -> Muscle:
    where = f"muscle {key}"
    index.records[("muscle", key)] = _locate(path, key)
    points = []
    for number, raw in enumerate(_list(table, "trigger_points", path, where), start=1):
        if not isinstance(raw, dict):
            raise CatalogueSourceError(
                path, _line_of(path, f"[{key}]"), f"{where}: trigger point {number} is not a table"
            )
        label = _text(raw, "label", path, f"{where}, trigger point {number}")
        point_id = f"{key}.{re.sub(r'[^a-z0-9]+', '_', label.lower()).strip('_')}"
        index.records[("trigger_point", point_id)] = Location(
            str(path), _line_of(path, f'label = "{label}"', after=f"[[{key}.trigger_points]]")
        )
        points.append(_trigger_point(point_id, key, raw, path, f"trigger point {point_id}"))
    return Muscle(
        id=MuscleId(key),
        name=_text(table, "name", path, where),
        latin_name=_text(table, "latin_name", path, where),
        synonyms=tuple(_strings(table, "synonyms", path, where)),
        region=_text(table, "region", path, where),
        origin=_text(table, "origin", path, where),
        insertion=_text(table, "insertion", path, where),
        action=_text(table, "action", path, where),
        innervation=_text(table, "innervation", path, where),
        source=SourceId(_text(table, "source", path, where)),
        hazards=tuple(_hazard(h, path, where) for h in _list(table, "hazards", path, where)),
        trigger_points=tuple(points),
    )


def _trigger_point(
    point_id: str, muscle: str, raw: dict[str, Any], path: Path, where: str
) -> TriggerPoint:
    prevalence = _text(raw, "prevalence", path, where)
    if prevalence not in PREVALENCE_WEIGHT:
        raise CatalogueSourceError(
            path,
            _line_of(path, prevalence),
            f"{where}: prevalence {prevalence!r} is not one of {', '.join(PREVALENCE_WEIGHT)}",
        )
    needling_raw = raw.get("needling")
    return TriggerPoint(
        id=TriggerPointId(point_id),
        muscle_id=MuscleId(muscle),
        label=_text(raw, "label", path, where),
        view=_text(raw, "view", path, where),
        x=_number(raw, "x", path, where),
        y=_number(raw, "y", path, where),
        prevalence=prevalence,  # type: ignore[arg-type]
        location=_text(raw, "location", path, where),
        essential=tuple(ZoneId(z) for z in _strings(raw, "essential", path, where)),
        spillover=tuple(ZoneId(z) for z in _strings(raw, "spillover", path, where)),
        symptoms=tuple(_strings(raw, "symptoms", path, where)),
        perpetuating_factors=tuple(_strings(raw, "perpetuating_factors", path, where)),
        needling=_needling(needling_raw, path, where) if needling_raw is not None else None,
        hazards=tuple(_hazard(h, path, where) for h in _list(raw, "hazards", path, where)),
        source=SourceId(_text(raw, "source", path, where)),
        not_needled=_optional_text(raw, "not_needled", path, where),
    )


def _needling(raw: Any, path: Path, where: str) -> Needling:
    if not isinstance(raw, dict):
        raise CatalogueSourceError(path, None, f"{where}: needling must be a table")
    where = f"{where}, needling"
    depth = raw.get("depth_mm")
    if not (isinstance(depth, list) and len(depth) == 2 and all(_is_number(d) for d in depth)):
        raise CatalogueSourceError(
            path, None, f"{where}: depth_mm must be [minimum, maximum] in mm"
        )
    needles = []
    for needle in _list(raw, "needles", path, where):
        needles.append(
            NeedleChoice(
                build=_text(needle, "build", path, where),
                length_mm=_number(needle, "length_mm", path, where),
                gauge_mm=_number(needle, "gauge_mm", path, where),
            )
        )
    return Needling(
        position=_text(raw, "position", path, where),
        approach=_text(raw, "approach", path, where),
        palpation=_text(raw, "palpation", path, where),
        depth_min_mm=float(depth[0]),
        depth_max_mm=float(depth[1]),
        needles=tuple(needles),
        source=SourceId(str(raw.get("source", ""))),
    )


def _hazard(raw: Any, path: Path, where: str) -> Hazard:
    if not isinstance(raw, dict):
        raise CatalogueSourceError(path, None, f"{where}: each hazard must be a table")
    if "max_depth_mm" in raw:
        # one figure for every build was the old model; limits are now explicit per build
        raise CatalogueSourceError(
            path, None, f"{where}: give a hazard's depth as limits = {{ slim, average, large }}"
        )
    source = SourceId(str(raw.get("source", "")))
    limits_source = SourceId(str(raw.get("limits_source", "") or source))
    limits: list[HazardLimit] = []
    for key, sex in (("limits", "any"), ("limits_female", "female"), ("limits_male", "male")):
        table = raw.get(key)
        if table is None:
            continue
        if not isinstance(table, dict):
            raise CatalogueSourceError(path, None, f"{where}: hazard {key} must be a table")
        for build, depth in table.items():
            if not _is_number(depth) or depth <= 0:
                raise CatalogueSourceError(
                    path, None, f"{where}: hazard {key}.{build} must be a positive number (mm)"
                )
            limits.append(HazardLimit(build, sex, float(depth), limits_source))
    average = next(
        (row.max_depth_mm for row in limits if row.build == "average" and row.sex == "any"), None
    )
    return Hazard(
        kind=_text(raw, "kind", path, where),
        structure=_text(raw, "structure", path, where),
        max_depth_mm=average,
        technique=str(raw.get("technique", "")),
        note=str(raw.get("note", "")),
        source=source,
        side=str(raw.get("side", "")),
        limits=tuple(limits),
        limits_note=str(raw.get("limits_note", "")),
    )


def _condition(key: str, table: dict[str, Any], path: Path) -> Condition:
    where = f"condition {key}"
    return Condition(
        id=ConditionId(key),
        name=_text(table, "name", path, where),
        icd10=_text(table, "icd10", path, where),
        synonyms=tuple(_strings(table, "synonyms", path, where)),
        description=_text(table, "description", path, where),
        muscles=tuple(MuscleId(m) for m in _strings(table, "muscles", path, where)),
        source=SourceId(_text(table, "source", path, where)),
        first_listed=_optional_text(table, "first_listed", path, where),
    )


def _safety(tables: dict[str, Any], path: Path, catalogue: Catalogue, index: SourceIndex) -> None:
    for key, raw in tables.get("contraindications", {}).items():
        where = f"contraindication {key}"
        catalogue.contraindications[key] = Contraindication(
            key,
            _text(raw, "name", path, where),
            _text(raw, "severity", path, where),
            _text(raw, "note", path, where),
            SourceId(_text(raw, "source", path, where)),
            scope=str(raw.get("scope", "whole")),
            avoid_muscles=tuple(MuscleId(m) for m in _strings(raw, "avoid_muscles", path, where)),
            avoid_points=tuple(
                TriggerPointId(p) for p in _strings(raw, "avoid_points", path, where)
            ),
            avoid_note=str(raw.get("avoid_note", "")),
            under_age_years=_optional_whole_number(raw, "under_age_years", path, where),
        )
        index.records[("contraindication", key)] = _locate(path, f"contraindications.{key}")
    for key, raw in tables.get("adverse_events", {}).items():
        where = f"adverse event {key}"
        catalogue.adverse_events[key] = AdverseEvent(
            key,
            _text(raw, "name", path, where),
            _text(raw, "seriousness", path, where),
            _text(raw, "rate", path, where),
            str(raw.get("note", "")),
            SourceId(_text(raw, "source", path, where)),
        )
        index.records[("adverse_event", key)] = _locate(path, f"adverse_events.{key}")
    for key, raw in tables.get("caveats", {}).items():
        where = f"caveat {key}"
        catalogue.caveats[key] = Caveat(
            key, _text(raw, "text", path, where), SourceId(_text(raw, "source", path, where))
        )
        index.records[("caveat", key)] = _locate(path, f"caveats.{key}")


# -- small typed accessors ----------------------------------------------------------------------


def _text(table: Any, key: str, path: Path, where: str = "") -> str:
    value = table.get(key) if isinstance(table, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise CatalogueSourceError(
            path,
            _line_of(path, where.split()[-1] if where else key),
            f"{where or 'record'}: {key} must be non-empty text",
        )
    return value.strip()


def _optional_text(table: dict[str, Any], key: str, path: Path, where: str) -> str:
    """Text that may be left out ("" then); when given, it must be non-empty text."""
    if key not in table:
        return ""
    return _text(table, key, path, where)


def _number(table: dict[str, Any], key: str, path: Path, where: str) -> float:
    value = table.get(key)
    if not _is_number(value):
        raise CatalogueSourceError(path, None, f"{where}: {key} must be a finite number")
    return float(value)


def _optional_whole_number(table: dict[str, Any], key: str, path: Path, where: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise CatalogueSourceError(path, None, f"{where}: {key} must be a whole number above 0")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _list(table: dict[str, Any], key: str, path: Path, where: str) -> list[Any]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise CatalogueSourceError(path, None, f"{where}: {key} must be a list")
    return value


def _strings(table: dict[str, Any], key: str, path: Path, where: str) -> list[str]:
    values = _list(table, key, path, where)
    if not all(isinstance(v, str) for v in values):
        raise CatalogueSourceError(path, None, f"{where}: {key} must be a list of text")
    return [v.strip() for v in values]


def _check_new(existing: dict[Any, Any], key: str, path: Path) -> None:
    if key in existing:
        raise CatalogueSourceError(path, _line_of(path, f"[{key}]"), f"id {key!r} is defined twice")


_LINE_CACHE: dict[str, list[str]] = {}


def _lines(path: Path) -> list[str]:
    name = str(path)
    if name not in _LINE_CACHE:
        try:
            _LINE_CACHE[name] = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            _LINE_CACHE[name] = []
    return _LINE_CACHE[name]


def _line_of(path: Path, needle: str, after: str | None = None) -> int:
    """1-based line of the first line containing `needle` (after `after`, if given), else 0."""
    lines = _lines(path)
    start = 0
    if after:
        for number, line in enumerate(lines):
            if after in line:
                start = number
                break
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return 0


def _locate(path: Path, key: str) -> Location:
    return Location(str(path), _line_of(path, f"[{key}]") or _line_of(path, key))
