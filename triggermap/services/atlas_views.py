"""Build and load the body views (the atlas)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from triggermap.geometry.atlas import Atlas, load_atlas, write_shipped_geometry
from triggermap.geometry.atlas_build import BuiltView, build_view_file
from triggermap.resources import VIEW_NAMES


@dataclass(frozen=True)
class AtlasBuildResult:
    """What an atlas build wrote: one entry per view, with its zone-tiling figures."""

    written: tuple[Path, ...]
    views: tuple[BuiltView, ...]


def build_atlas(
    source_dir: Path, target_dir: Path, views: tuple[str, ...] = VIEW_NAMES
) -> AtlasBuildResult:
    """Build assets/svg/<view>.svg from atlas/src/<view>.svg for each view.

    Every view is built in memory before any file is written, so one broken source leaves
    all shipped views as they were.
    """
    built = [build_view_file(source_dir / f"{view}.svg") for view in views]
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for view in built:
        path = target_dir / f"{view.view}.svg"
        temporary = path.with_suffix(".svg.tmp")
        temporary.write_text(view.svg_text, encoding="utf-8")
        temporary.replace(path)
        written.append(path)
    return AtlasBuildResult(tuple(written), tuple(built))


def load_body_views(
    svg_dir: Path,
    cache_dir: Path | None,
    views: tuple[str, ...] = VIEW_NAMES,
    shipped_dir: Path | None = None,
) -> Atlas:
    """All body views as geometry (cached between runs in `cache_dir`; the program's shipped
    geometry in `shipped_dir` used while the cache is empty)."""
    return load_atlas(svg_dir, views, cache_dir, shipped_dir)


def build_shipped_geometry(
    svg_dir: Path, target_dir: Path, views: tuple[str, ...] = VIEW_NAMES
) -> list[Path]:
    """Write the shipped geometry of each built view (see geometry.atlas)."""
    return [write_shipped_geometry(svg_dir / f"{view}.svg", target_dir) for view in views]


def zone_views(atlas: Atlas) -> dict[str, list[str]]:
    """For each zone id, the names of the views that show it."""
    result: dict[str, set[str]] = {}
    for name, view in atlas.views.items():
        for region_id in view.region_ids("zones"):
            result.setdefault(region_id.name, set()).add(name)
    return {zone: sorted(names) for zone, names in sorted(result.items())}
