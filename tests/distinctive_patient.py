"""A fictional patient whose name, notes and visit texts are distinctive strings, so a test can
tell whether any of them reached a message, a log or the screen."""

from __future__ import annotations

from pathlib import Path

from triggermap.clinic.model import PatientId
from triggermap.services.context import AppContext
from triggermap.services.patient_records import (
    open_patient_database,
    record_visit,
    register_patient,
)

from .patient_examples import example_patient, example_visit

GIVEN_NAME = "Zebulon"
FAMILY_NAME = "Quarrington"
NOTES = "XYZZY-secret"
COMPLAINT = "XYZZY-complaint of the neck"
VISIT_NOTES = "XYZZY-visit-notes"
#: Every stored text of the record that must never appear in a message or a log.
SECRETS = (GIVEN_NAME, FAMILY_NAME, NOTES, COMPLAINT, VISIT_NOTES, "XYZZY")


def make_distinctive_record(data_dir: Path) -> PatientId:
    """Create the data directory's patient database (as the program does) holding one patient
    with SECRETS in their record and one visit; returns the patient's id."""
    catalogue = AppContext.default(data_dir).catalogue
    patient = example_patient(1, given_name=GIVEN_NAME, family_name=FAMILY_NAME, notes=NOTES)
    database = open_patient_database(data_dir)
    try:
        register_patient(database, catalogue, patient)
        record_visit(
            database,
            catalogue,
            example_visit(patient.id, 1, complaint=COMPLAINT, notes=VISIT_NOTES),
        )
    finally:
        database.close()
    return patient.id


def leaked(*texts: str) -> list[str]:
    """Those of SECRETS found in any of `texts`."""
    return [secret for secret in SECRETS if any(secret in text for text in texts)]
