"""Search that forgives: typos, extra words and numbers still find the muscle or condition.

Two passes:

1. the catalogue's full-text index (every word must match; the last is a prefix), without
   the words that never name anything ("muscle", "trigger", "point", "TrP", a number), so
   "gluteus medius muscle", "piriformis TrP" and "upper trapezius 1" find their muscle:
   what the user spelled right comes first, in the index's order, and stands alone;
2. only when that finds nothing: names, Latin names, synonyms, their parts and their long
   words close to what was typed (rapidfuzz's ratio, at least `CLOSE_ENOUGH` of 100),
   closest first: "tenis elbow", "plantar fascitis", "carpel tunnel", "trapezuis".

The names of the second pass are held in memory (bench/scaling.py measures a keystroke at
ten and a hundred times the catalogue).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from triggermap.catalogue.model import Catalogue
from triggermap.storage.catalogue_search import CatalogueSearch, SearchHit

#: Words that never name a muscle or a condition: left out of the second pass.
FILLER_WORDS = frozenset(
    {"muscle", "muscles", "trigger", "triggerpoint", "point", "points", "trp", "trps", "the"}
)
#: How close a name must be to what was typed (rapidfuzz ratio, 0–100): this finds one or two
#: wrong letters in a word, and not a different word ("hiccups" is near no name). The plain
#: ratio over parts and words, not the weighted one over whole names: as good here, and 20
#: times faster (0.2 ms against 4.7 ms over 6,000 names).
CLOSE_ENOUGH = 84.0
#: Typed text shorter than this is not matched loosely (three letters match too much).
SHORTEST_LOOSE = 4
#: Words of a name this long are matched on their own as well (shorter ones are common).
LONG_WORD = 6
#: Characters of typed text matched loosely (the longest name is shorter).
LONGEST_LOOSE = 80

_NUMBER = re.compile(r"^(?:trp)?\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class _Name:
    """One name a hit can be found by, and the hit it finds."""

    text: str
    hit: SearchHit


class ForgivingSearch:
    """The catalogue's search for the search field and the learning mode (see the module)."""

    def __init__(self, exact: CatalogueSearch, catalogue: Catalogue) -> None:
        self._exact = exact
        self._names: list[_Name] = []
        for muscle in catalogue.muscles.values():
            hit = SearchHit("muscle", muscle.id, muscle.name, muscle.latin_name or "")
            for text in (muscle.name, muscle.latin_name, *muscle.synonyms):
                if text:
                    self._names.append(_Name(text, hit))
        for condition in catalogue.conditions.values():
            hit = SearchHit(
                "condition", condition.id, condition.name, f"ICD-10-CM {condition.codes_text}"
            )
            for text in (condition.name, *condition.synonyms):
                self._names.append(_Name(text, hit))
        # the parts of a name ("Plantar fasciitis (plantar heel pain)": both) and its long
        # words ("trapezuis" is near "trapezius", not near "upper trapezius" as a whole)
        parts = []
        for name in self._names:
            whole = utils.default_process(name.text)
            pieces = {utils.default_process(piece) for piece in re.split(r"[()]", name.text)}
            pieces |= {word for word in whole.split() if len(word) >= LONG_WORD}
            parts += [_Name(piece, name.hit) for piece in pieces if piece and piece != whole]
        self._names += parts
        self._choices = [utils.default_process(name.text) for name in self._names]

    def close(self) -> None:
        self._exact.close()

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Muscles and conditions for typed text, best first (see the module's passes)."""
        words = text.split()
        naming = [w for w in words if w.casefold() not in FILLER_WORDS and not _NUMBER.match(w)]
        # a number or a filler word names nothing: searched for, it found other muscles'
        # symptoms first ("upper trapezius 1" gave levator scapulae)
        hits = self._exact.search(" ".join(naming) if naming != words else text, limit)
        # no name is longer: a pasted page is matched by its start, in the same time
        loose = utils.default_process(" ".join(naming))[:LONGEST_LOOSE]
        if hits or len(loose) < SHORTEST_LOOSE:
            return hits  # what was spelled right stands alone: loose matches only when none
        close = process.extract(
            loose,
            self._choices,
            scorer=fuzz.QRatio,
            processor=None,
            score_cutoff=CLOSE_ENOUGH,
            limit=limit * 3,
        )
        seen: set[tuple[str, str]] = set()
        for _, _, index in close:
            hit = self._names[index].hit
            if len(hits) < limit and (hit.kind, hit.ref_id) not in seen:
                seen.add((hit.kind, hit.ref_id))
                hits.append(hit)
        return hits
