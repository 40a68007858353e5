"""Open the catalogue file read-only and check it is whole, with the standard library only.

Cheap to import (no sqlite-utils), so the application can check its catalogue before its
window opens and report a damaged file in one plain sentence.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from triggermap.storage.errors import CatalogueUnavailable

#: The catalogue schema this program reads and builds (PRAGMA user_version); 2 added the
#: hazard_limits and contraindication_avoid tables and hazard sides; 3 trigger_points.not_needled;
#: 4 conditions.first_listed.
SCHEMA_VERSION = 4


def open_checked_catalogue(path: Path) -> sqlite3.Connection:
    """A read-only connection to a catalogue that passed `quick_check` and has our schema;
    raises CatalogueUnavailable with a plain message otherwise."""
    if not path.is_file():
        raise CatalogueUnavailable(f"The trigger-point catalogue {path} is missing.")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
        raise CatalogueUnavailable(
            f"The trigger-point catalogue {path} cannot be read ({error}); reinstall triggermap."
        ) from error
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        problems = connection.execute("PRAGMA quick_check").fetchone()[0]
        tables = connection.execute("select count(*) from sqlite_master").fetchone()[0]
    # SQLite cannot always decode its own message when it quotes a damaged (non-UTF-8) name
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
        connection.close()
        raise CatalogueUnavailable(
            f"The trigger-point catalogue {path} cannot be read ({error}); reinstall triggermap."
        ) from error
    if problems != "ok":
        connection.close()
        # quick_check reports over several lines; the first says enough for one sentence
        first = problems.replace("*** in database main ***", "").strip().splitlines()[0]
        raise CatalogueUnavailable(
            f"The trigger-point catalogue {path} is damaged ({first}); reinstall triggermap."
        )
    if tables == 0:
        connection.close()
        raise CatalogueUnavailable(
            f"The trigger-point catalogue {path} is empty; reinstall triggermap."
        )
    if version != SCHEMA_VERSION:
        connection.close()
        raise CatalogueUnavailable(
            f"The trigger-point catalogue {path} has schema {version}; this program reads "
            f"schema {SCHEMA_VERSION}."
        )
    return connection


def check_catalogue_file(path: Path) -> None:
    """Raise CatalogueUnavailable unless the catalogue file is whole and of our schema."""
    open_checked_catalogue(path).close()
