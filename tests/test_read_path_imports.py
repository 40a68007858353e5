"""Reading and searching the catalogue needs only sqlite3: sqlite-utils (about 100 ms to
import) stays with the build, out of the program's start."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_reading_and_searching_the_catalogue_never_imports_sqlite_utils():
    code = (
        "import sys\n"
        "from triggermap import resources\n"
        "from triggermap.storage.catalogue_reader import read_catalogue\n"
        "from triggermap.storage.catalogue_search import CatalogueSearch\n"
        "catalogue = read_catalogue(resources.catalogue_db())\n"
        "assert catalogue.muscles, 'the catalogue was read'\n"
        "search = CatalogueSearch(resources.catalogue_db())\n"
        "assert search.search('trapezius'), 'the search found something'\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
