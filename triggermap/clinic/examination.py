"""The trigger-point examination at a needled point in words, the same on every document:
the consensus criteria (Fernández-de-las-Peñas & Dommerholt 2018) recorded with the needle."""

from __future__ import annotations

from triggermap.clinic.model import NeedledPoint

#: Field of NeedledPoint → the finding in words (its absence is "no …").
EXAMINATION_FINDINGS: tuple[tuple[str, str], ...] = (
    ("taut_band", "taut band"),
    ("spot_tenderness", "tender spot"),
    ("referred_pain", "referred pain"),
)


def examination_words(needle: NeedledPoint) -> list[str]:
    """The findings examined at `needle`, in words ("taut band", "no tender spot"); those
    not examined are left out."""
    words = []
    for field, finding in EXAMINATION_FINDINGS:
        found = getattr(needle, field)
        if found is not None:
            words.append(finding if found else f"no {finding}")
    return words
