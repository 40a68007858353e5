"""The application context: where things are, passed into constructors (no global state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from triggermap import resources
from triggermap.services.data_dir import user_data_dir

if TYPE_CHECKING:
    # The geometry (shapely, numpy) and SQLite libraries load on first use of the atlas or
    # catalogue, after the main window has painted: they are most of the start-up time.
    from triggermap.catalogue.model import Catalogue
    from triggermap.geometry.atlas import Atlas
    from triggermap.services.forgiving_search import ForgivingSearch


class ProgramFilesUnusable(RuntimeError):
    """A file the program ships (a body view, the catalogue) is missing or damaged."""


@dataclass
class AppContext:
    """Paths the program uses, and the atlas and catalogue loaded on first use."""

    svg_dir: Path
    catalogue_path: Path
    cache_dir: Path | None
    #: the user's own data (patient records, study progress); see services.data_dir
    data_dir: Path = field(default_factory=user_data_dir)
    #: the geometry shipped with the program (None: parse the views, or use the cache)
    geometry_dir: Path | None = None
    _atlas: Atlas | None = field(default=None, repr=False)
    _catalogue: Catalogue | None = field(default=None, repr=False)
    _search: ForgivingSearch | None = field(default=None, repr=False)

    @classmethod
    def default(cls, data_dir: Path | None = None) -> AppContext:
        """The installed (or checked-out) program's own files, with a per-user geometry cache;
        the user's data in `data_dir` (default: see services.data_dir.user_data_dir)."""
        cache = Path(platformdirs.user_cache_dir("triggermap", appauthor=False)) / "geometry"
        return cls(
            resources.svg_dir(),
            resources.catalogue_db(),
            cache,
            user_data_dir(data_dir),
            resources.geometry_dir(),
        )

    def check_program_files(self) -> None:
        """Raise ProgramFilesUnusable unless every standard view's SVG exists and the catalogue
        passes SQLite's quick_check: a few milliseconds, before any window opens. (A damaged
        view is found when the geometry loads, just after the window's first paint.)"""
        from triggermap.storage.catalogue_file import check_catalogue_file
        from triggermap.storage.errors import CatalogueUnavailable

        for name in resources.VIEW_NAMES:
            path = self.svg_dir / f"{name}.svg"
            if not path.is_file():
                raise ProgramFilesUnusable(
                    f"triggermap's own file {path} is missing; reinstall the program."
                )
        try:
            check_catalogue_file(self.catalogue_path)
        except CatalogueUnavailable as error:
            raise ProgramFilesUnusable(str(error)) from error

    @property
    def atlas(self) -> Atlas:
        if self._atlas is None:
            from triggermap.services.atlas_views import load_body_views

            self._atlas = load_body_views(
                self.svg_dir, self.cache_dir, shipped_dir=self.geometry_dir
            )
        return self._atlas

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from triggermap.storage.catalogue_reader import read_catalogue

            self._catalogue = read_catalogue(self.catalogue_path)
        return self._catalogue

    @property
    def search(self) -> ForgivingSearch:
        """The catalogue's search: full text as typed first, then forgiving typos and extra
        words (see services.forgiving_search)."""
        if self._search is None:
            from triggermap.services.forgiving_search import ForgivingSearch
            from triggermap.storage.catalogue_search import CatalogueSearch

            self._search = ForgivingSearch(CatalogueSearch(self.catalogue_path), self.catalogue)
        return self._search
