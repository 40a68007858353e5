"""Build data/points.db from the catalogue sources, refusing to build a catalogue with problems."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from triggermap.catalogue.toml_sources import read_catalogue_sources
from triggermap.geometry.atlas import Atlas
from triggermap.services.atlas_views import zone_views
from triggermap.services.catalogue_check import Problem, check_catalogue
from triggermap.storage.catalogue_build import build_catalogue_db


@dataclass(frozen=True)
class CatalogueBuildResult:
    """The outcome of a build: the file written (None if refused) and the problems found."""

    written: Path | None
    problems: tuple[Problem, ...]


def build_catalogue(sources_dir: Path, atlas: Atlas, target: Path) -> CatalogueBuildResult:
    """Check the sources and, if they are clean, write the catalogue to `target` atomically."""
    catalogue, index = read_catalogue_sources(sources_dir)
    problems = tuple(check_catalogue(catalogue, index, atlas))
    if problems:
        return CatalogueBuildResult(None, problems)
    build_catalogue_db(catalogue, zone_views(atlas), target)
    return CatalogueBuildResult(target, ())
