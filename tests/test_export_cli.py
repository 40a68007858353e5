"""`triggermap export`: every format from a real patient database in a private data directory."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from fhir.resources.R4B.bundle import Bundle

from triggermap.cli import main
from triggermap.clinic.patient_primer import URGENT_SENTENCE
from triggermap.services.context import AppContext
from triggermap.services.patient_exports import read_visits_json
from triggermap.services.patient_records import fill_demo, open_patient_database


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """A data directory holding the fictional demonstration patients."""
    data_dir = tmp_path / "data"
    database = open_patient_database(data_dir)
    try:
        fill_demo(database, AppContext.default(data_dir).catalogue)
    finally:
        database.close()
    return data_dir


def demo_record(data_dir: Path):
    database = open_patient_database(data_dir)
    try:
        patient = next(p for p in database.all_patients() if database.visits_of(p.id))
        return patient, database.visits_of(patient.id)
    finally:
        database.close()


def export(data_dir: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), "export", *args])


def test_json_export_holds_the_stored_record(demo_dir, tmp_path):
    patient, visits = demo_record(demo_dir)
    output = tmp_path / "out" / "record.json"
    result = export(demo_dir, "--patient", patient.id, "--format", "json", "-o", str(output))
    assert result.exit_code == 0, result.output
    assert read_visits_json(output.read_text(encoding="utf-8")) == (patient, visits)


def test_csv_export_has_a_row_per_visit_needle_and_painted_zone(demo_dir, tmp_path):
    patient, visits = demo_record(demo_dir)
    output = tmp_path / "visits.csv"
    result = export(demo_dir, "--patient", patient.id, "--format", "csv", "-o", str(output))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert len(rows) == sum(1 + len(v.needles) + len(v.pain_drawing) for v in visits)


def test_fhir_export_validates(demo_dir, tmp_path):
    patient, visits = demo_record(demo_dir)
    output = tmp_path / "bundle.json"
    result = export(demo_dir, "--patient", patient.id, "--format", "fhir", "-o", str(output))
    assert result.exit_code == 0, result.output
    bundle = Bundle.model_validate_json(output.read_text(encoding="utf-8"))
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry]
    assert kinds.count("Encounter") == len(visits)
    assert kinds.count("Procedure") == sum(n.performed for v in visits for n in v.needles)


def test_pdf_export_is_the_handout_of_the_latest_visit(demo_dir, tmp_path, qapp):
    patient, visits = demo_record(demo_dir)
    output = tmp_path / "handout.pdf"
    result = export(demo_dir, "--patient", patient.id, "--format", "pdf", "-o", str(output))
    assert result.exit_code == 0, result.output
    document = pdfium.PdfDocument(str(output))
    try:
        text = " ".join(document[0].get_textpage().get_text_range().split())
    finally:
        document.close()
    assert " ".join(URGENT_SENTENCE.split()) in text
    latest = visits[-1].visit_date
    assert f"{latest.day} {latest:%B %Y}" in text


def test_note_export_and_a_chosen_visit(demo_dir, tmp_path, qapp):
    patient, visits = demo_record(demo_dir)
    note = tmp_path / "note.pdf"
    result = export(demo_dir, "--patient", patient.id, "--format", "note", "-o", str(note))
    assert result.exit_code == 0, result.output
    assert note.read_bytes().startswith(b"%PDF")
    first = tmp_path / "first.pdf"
    result = export(
        demo_dir,
        "--patient",
        patient.id,
        "--format",
        "pdf",
        "--visit",
        visits[0].id,
        "-o",
        str(first),
    )
    assert result.exit_code == 0, result.output
    document = pdfium.PdfDocument(str(first))
    try:
        text = " ".join(document[0].get_textpage().get_text_range().split())
    finally:
        document.close()
    day = visits[0].visit_date
    assert f"{day.day} {day:%B %Y}" in text


def test_unknown_patient_or_visit_is_refused_and_nothing_written(demo_dir, tmp_path):
    patient, _ = demo_record(demo_dir)
    output = tmp_path / "x.csv"
    result = export(demo_dir, "--patient", "no-such-id", "--format", "csv", "-o", str(output))
    assert result.exit_code != 0
    assert "No patient with id 'no-such-id'" in result.output
    result = export(
        demo_dir, "--patient", patient.id, "--format", "pdf", "--visit", "nope", "-o", str(output)
    )
    assert result.exit_code != 0
    assert "no visit with id 'nope'" in result.output
    # nothing about the patient is printed in the refusal
    assert patient.family_name not in result.output
    assert not output.exists()
    assert list(tmp_path.glob("*.part")) == []


def test_visit_option_belongs_to_the_handout(demo_dir, tmp_path):
    patient, visits = demo_record(demo_dir)
    result = export(
        demo_dir,
        "--patient",
        patient.id,
        "--format",
        "csv",
        "--visit",
        visits[0].id,
        "-o",
        str(tmp_path / "x.csv"),
    )
    assert result.exit_code != 0
    assert "--visit" in result.output


def test_json_is_stable_between_runs(demo_dir, tmp_path):
    patient, _ = demo_record(demo_dir)
    outputs = []
    for name in ("a.json", "b.json"):
        result = export(
            demo_dir, "--patient", patient.id, "--format", "json", "-o", str(tmp_path / name)
        )
        assert result.exit_code == 0, result.output
        outputs.append(json.loads((tmp_path / name).read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    "target",
    [
        "patients.db",
        "patients.db-wal",
        "patients.db-shm",
        "backup",
        "audit.key",
        "patients.db.audit-head",
        "patients.db.encrypted",
    ],
)
@pytest.mark.parametrize("command", ["export", "backup"])
def test_output_never_overwrites_the_records(demo_dir, target, command):
    """Issue 14: `export -o` and `backup -o` refuse the database, its -wal/-shm and its backups."""
    from triggermap.services.patient_records import latest_backup, make_backup

    if target == "backup":
        with open_patient_database(demo_dir) as database:
            make_backup(database, demo_dir)
        path = latest_backup(demo_dir)
    else:
        # -wal and -shm exist only while a connection is open: here they are names, not files
        path = demo_dir / target
    before = path.read_bytes() if path.exists() else None
    patient, _ = demo_record(demo_dir)
    if command == "export":
        result = export(demo_dir, "--patient", patient.id, "--format", "json", "-o", str(path))
    else:
        result = CliRunner().invoke(main, ["--data-dir", str(demo_dir), "backup", "-o", str(path)])
    assert result.exit_code != 0
    assert any(
        words in result.output
        for words in ("is the patient database itself", "backups", "seals", "marks the patient")
    ), result.output
    assert "Traceback" not in result.output
    assert (path.read_bytes() if path.exists() else None) == before
    assert demo_record(demo_dir)[0] == patient
