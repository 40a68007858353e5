"""A bit flipped inside stored record text is named by the audit check: the content digest of
each record is what catches it (SQLite's own checks do not read text). 60 seeded flips, each
in a fresh copy of one database; the flips keep the byte ASCII, so the text still reads and
only the digest can tell. Fails if content digests stop being checked."""

from __future__ import annotations

import dataclasses
import random
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from triggermap.clinic.model import Addendum, AdverseEventRecord, Screening, ScreeningAnswer
from triggermap.services.patient_records import PATIENT_DB_NAME
from triggermap.storage.patient_audit_seal import KEY_FILE_NAME, head_path_of
from triggermap.storage.patient_db import PatientDatabase

from .patient_examples import example_needle, example_patient, example_visit

FLIPS = 60
PATIENTS = 6
SIGNED_AT = datetime(2026, 2, 3, 10, 30, tzinfo=UTC)


def _marked_database(folder: Path) -> dict[str, str]:
    """Patients and visits whose text holds distinctive strings (patient notes, screening
    note, complaint, visit notes, needle lot, adverse event note, addendum); string → the id
    of the record it belongs to. Closed with the WAL folded: every record is in the main file."""
    chance = random.Random(7)
    marks: dict[str, str] = {}

    def mark(letter: str, number: int, record_id: str) -> str:
        text = f"FLIP-{letter}{number}-{chance.getrandbits(48):012x}"
        marks[text] = record_id
        return text

    with PatientDatabase.open(folder / PATIENT_DB_NAME) as database:
        for number in range(PATIENTS):
            patient_id = f"patient{number:04d}"
            visit_id = f"{patient_id}-visit0001"
            screening = Screening(
                date(2026, 1, 5),
                (
                    ScreeningAnswer("anticoagulants", False),
                    ScreeningAnswer("pregnancy", True, mark("S", number, patient_id)),
                ),
            )
            patient = database.add_patient(
                example_patient(number, notes=mark("P", number, patient_id), screening=screening)
            )
            visit = example_visit(
                patient.id,
                1,
                needles=(example_needle(1, needle_lot=mark("L", number, visit_id)),),
                complaint=mark("C", number, visit_id),
                notes=mark("V", number, visit_id),
                adverse_events=(
                    AdverseEventRecord("soreness", "mild", mark("E", number, visit_id)),
                ),
            )
            stored = database.save_visit(visit)
            if number % 2:
                database.finalise_visit(stored.id, "Dr Example", SIGNED_AT, version=stored.version)
                database.add_addendum(
                    stored.id, Addendum(SIGNED_AT, "Dr Example", mark("A", number, visit_id))
                )
        assert database.fold_journal()
        assert database.check_audit().sentences == []
    return marks


def _copy(source: Path, target: Path) -> Path:
    target.mkdir()
    for name in (PATIENT_DB_NAME, KEY_FILE_NAME, head_path_of(Path(PATIENT_DB_NAME)).name):
        shutil.copyfile(source / name, target / name)
    return target / PATIENT_DB_NAME


@dataclasses.dataclass(frozen=True)
class Flip:
    offset: int
    bit: int
    record_id: str


def _flips(path: Path, marks: dict[str, str]) -> list[Flip]:
    data = path.read_bytes()
    placed = []
    for text, record_id in marks.items():
        offset = data.find(text.encode())
        assert offset >= 0, f"{text} is not in the main file"
        assert data.find(text.encode(), offset + 1) < 0, f"{text} is in the main file twice"
        placed.append((offset, len(text), record_id))
    chance = random.Random(20261202)
    flips = []
    for _ in range(FLIPS):
        offset, length, record_id = chance.choice(placed)
        # bits 0-6 of an ASCII byte: still valid text, so only the content digest can tell
        flips.append(Flip(offset + chance.randrange(length), chance.randrange(7), record_id))
    return flips


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> tuple[Path, list[Flip]]:
    folder = tmp_path_factory.mktemp("marked")
    marks = _marked_database(folder)
    return folder, _flips(folder / PATIENT_DB_NAME, marks)


def test_every_flip_in_record_text_is_named_by_the_audit_check(marked, tmp_path):
    folder, flips = marked
    unnamed = []
    for number, flip in enumerate(flips):
        path = _copy(folder, tmp_path / f"flip{number:02d}")
        with open(path, "r+b") as stream:
            stream.seek(flip.offset)
            byte = stream.read(1)[0]
            stream.seek(flip.offset)
            stream.write(bytes([byte ^ (1 << flip.bit)]))
        with PatientDatabase.open(path) as database:
            changes = database.check_audit().changes
        if not any(flip.record_id in sentence for sentence in changes):
            unnamed.append((flip, changes))
    assert unnamed == [], f"{len(unnamed)} of {len(flips)} flips not named: {unnamed[:3]}"


def test_an_unflipped_copy_checks_clean(marked, tmp_path):
    """The copies themselves are sound: what the flips show is the flip."""
    folder, _ = marked
    with PatientDatabase.open(_copy(folder, tmp_path / "copy")) as database:
        assert database.integrity_problems() == []
        assert database.check_audit().sentences == []
