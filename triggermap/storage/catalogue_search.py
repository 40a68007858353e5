"""Full-text search over the catalogue (FTS5): muscles, conditions and trigger-point symptoms.

Whatever the user types is reduced to plain word tokens and each token is quoted, so FTS
operators, quotes, brackets, emoji or 10 000 characters can never form a query of their own.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from triggermap.storage.catalogue_reader import open_catalogue_db
from triggermap.storage.errors import CatalogueUnavailable

#: At most this many words of the typed text take part in a search.
MAX_TOKENS = 8
#: Longer words are cut: no muscle, condition or symptom word is longer.
MAX_TOKEN_LENGTH = 40

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    """One search result: a muscle or a condition, with the text that matched."""

    kind: str  # "muscle" or "condition"
    ref_id: str
    title: str
    detail: str
    #: the trigger point whose symptoms matched ("" when the muscle or condition did)
    point_id: str = ""


def fts_query(text: str) -> str | None:
    """A safe FTS5 query for typed text: quoted tokens, the last one as a prefix; None if no
    word is left."""
    tokens = [t[:MAX_TOKEN_LENGTH] for t in _WORD.findall(text)][:MAX_TOKENS]
    if not tokens:
        return None
    quoted = ['"' + token.replace('"', '""') + '"' for token in tokens]
    quoted[-1] += "*"
    return " ".join(quoted)


class CatalogueSearch:
    """Searches an open, read-only catalogue database."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._db = open_catalogue_db(path)

    def close(self) -> None:
        self._db.close()

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Muscles (by name, Latin name, synonym), conditions (by name, synonym, description)
        and muscles whose trigger points list a matching symptom; best matches first."""
        query = fts_query(text)
        if query is None:
            return []
        hits: list[SearchHit] = []
        seen: set[tuple[str, str]] = set()

        def add(kind: str, ref_id: str, title: str, detail: str, point_id: str = "") -> None:
            if (kind, ref_id) not in seen and len(hits) < limit:
                seen.add((kind, ref_id))
                hits.append(SearchHit(kind, ref_id, title, detail, point_id))

        try:
            for row in self._db.query(
                "select m.id, m.name, m.latin_name from muscles_fts f join muscles m "
                "on m.rowid = f.rowid where muscles_fts match ? order by bm25(muscles_fts) "
                "limit ?",
                [query, limit],
            ):
                add("muscle", row["id"], row["name"], row["latin_name"] or "")
            for row in self._db.query(
                "select c.id, c.name, c.icd10 from conditions_fts f join conditions c "
                "on c.rowid = f.rowid where conditions_fts match ? "
                "order by bm25(conditions_fts) limit ?",
                [query, limit],
            ):
                add("condition", row["id"], row["name"], f"ICD-10-CM {row['icd10']}")
            for row in self._db.query(
                "select m.id, m.name, t.symptoms, t.id as point_id from trigger_points_fts f "
                "join trigger_points t on t.rowid = f.rowid join muscles m on m.id = t.muscle_id "
                "where trigger_points_fts match ? order by bm25(trigger_points_fts) limit ?",
                [query, limit],
            ):
                add(
                    "muscle",
                    row["id"],
                    row["name"],
                    f"symptom: {row['symptoms']}",
                    row["point_id"],
                )
        except sqlite3.OperationalError:
            # a query our quoting could not make safe (should not happen) finds nothing
            return []
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
            # quick_check does not look inside the full-text indexes: damage there shows here
            raise CatalogueUnavailable(
                f"The search index of the trigger-point catalogue {self._path} is damaged "
                f"({error}); reinstall triggermap."
            ) from error
        return hits
