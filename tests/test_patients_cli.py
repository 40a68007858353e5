"""The patient commands: patients list/find, backup, restore and demo."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from triggermap.cli import main
from triggermap.clinic.safety import SLIM_BMI_BELOW, plan_warnings
from triggermap.clinic.validation import check_patient, check_visit
from triggermap.services.context import AppContext
from triggermap.services.patient_records import (
    DEMO_MARK,
    PATIENT_DB_NAME,
    backups_dir,
    demo_patients,
    make_backup,
    open_patient_database,
    register_patient,
)

from .patient_examples import example_patient


def run(*arguments: str, input: str | None = None):
    result = CliRunner().invoke(main, list(arguments), input=input)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def data_dir(private_data_dir: Path) -> Path:
    return private_data_dir


def listed(*extra: str) -> list[dict]:
    result = run("patients", "list", "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_an_empty_data_directory_lists_no_patients():
    assert run("patients", "list").output.strip() == "No patients."
    assert listed() == []


def test_demo_fills_fictional_patients_once(data_dir):
    result = run("demo")
    assert result.exit_code == 0, result.output
    patients = listed()
    assert [p["family_name"] for p in patients] == ["Demo", "Example", "Placeholder", "Sample"]
    assert sum(p["visits"] for p in patients) == 5
    with open_patient_database(data_dir) as database:
        assert all(p.notes.startswith(DEMO_MARK) for p in database.all_patients())
    assert run("demo").exit_code == 0
    assert len(listed()) == 4


def test_demo_refuses_to_mix_with_real_records(data_dir):
    with open_patient_database(data_dir) as database:
        register_patient(database, AppContext.default().catalogue, example_patient())
    result = run("demo")
    assert result.exit_code != 0
    assert "not demonstration records" in result.output
    assert [p["family_name"] for p in listed()] == ["Testperson1"]


def test_the_data_dir_option_wins_over_the_environment(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    assert run("--data-dir", str(elsewhere), "demo").exit_code == 0
    assert (elsewhere / PATIENT_DB_NAME).is_file()
    assert (
        len(json.loads(run("--data-dir", str(elsewhere), "patients", "list", "--json").output)) == 4
    )
    assert listed() == []


def test_find_by_name_or_date_of_birth():
    run("demo")
    found = json.loads(run("patients", "find", "sam", "--json").output)
    assert [p["given_name"] for p in found] == ["Bruno"]
    by_birth = run("patients", "find", "12.4.1979")
    assert by_birth.exit_code == 0
    assert "Example, Alice" in by_birth.output
    assert run("patients", "find", "nobody-like-this").output.strip() == "No patients."


def test_backup_writes_an_owner_only_copy(data_dir, tmp_path):
    run("demo")
    result = run("backup")
    assert result.exit_code == 0, result.output
    [made] = backups_dir(data_dir).glob("*-manual.db")
    assert made.stat().st_mode & 0o777 == 0o600
    chosen = tmp_path / "mine.db"
    assert run("backup", "-o", str(chosen)).exit_code == 0
    assert chosen.stat().st_mode & 0o777 == 0o600
    assert f"wrote {chosen}" in run("backup", "-o", str(chosen)).output


def test_restore_asks_first_and_keeps_the_replaced_file(data_dir, tmp_path):
    run("demo")
    saved = tmp_path / "before.db"
    run("backup", "-o", str(saved))
    with open_patient_database(data_dir) as database:
        database.delete_patient(database.find_patients("sample")[0].id)
    assert len(listed()) == 3

    declined = run("restore", str(saved), input="n\n")
    assert declined.exit_code != 0
    assert "Aborted" in declined.output
    assert len(listed()) == 3

    accepted = run("restore", str(saved), input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "previous database was kept as" in accepted.output
    assert len(listed()) == 4
    assert len(list(data_dir.glob(f"{PATIENT_DB_NAME}.replaced-*"))) == 1


def test_restore_refuses_a_file_that_is_not_a_patient_database(tmp_path, data_dir):
    run("demo")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = run("restore", str(junk), "--yes")
    assert result.exit_code != 0
    assert "cannot be restored" in result.output
    assert len(listed()) == 4


def test_a_damaged_database_is_reported_with_the_backup_to_restore(data_dir):
    run("demo")
    run("backup")
    [backup] = backups_dir(data_dir).glob("*-manual.db")
    path = data_dir / PATIENT_DB_NAME
    damaged = b"\x00" * path.stat().st_size
    path.write_bytes(damaged)
    result = run("patients", "list")
    assert result.exit_code != 0
    assert "damaged or unreadable" in result.output
    assert f"triggermap restore {backup}" in result.output
    assert path.read_bytes() == damaged
    assert run("restore", str(backup), "--yes").exit_code == 0
    assert len(listed()) == 4


def test_the_demo_records_show_what_they_are_meant_to_show():
    catalogue = AppContext.default().catalogue
    today = date(2026, 11, 21)
    records = demo_patients(catalogue, today)
    assert len({patient.id for patient, _ in records}) == len(records) == 4
    for patient, visits in records:
        assert patient.notes.startswith(DEMO_MARK)
        check_patient(patient, today, catalogue)
        for visit in visits:
            check_visit(visit, today, catalogue, patient.date_of_birth)
            # every marked zone is one the planned points refer to, on the needled side
            for mark in visit.pain_drawing:
                _, zone, side = mark.region_id.split(".")
                referring = [
                    needle
                    for needle in visit.needles
                    if zone
                    in (
                        *catalogue.trigger_point(needle.trigger_point_id).essential,
                        *catalogue.trigger_point(needle.trigger_point_id).spillover,
                    )
                ]
                if visit.needles:
                    assert referring, (visit.complaint, mark)
                    assert side == "midline" or side in {n.side for n in referring}
    visits = [visit for _, patient_visits in records for visit in patient_visits]
    assert any(visit.finalised and visit.addenda for visit in visits)
    by_name = {patient.family_name: (patient, visits) for patient, visits in records}
    lean, [plan] = by_name["Sample"]
    assert lean.body_mass_index < SLIM_BMI_BELOW
    assert not plan.finalised
    warned = {warning.kind for warning in plan_warnings(lean, plan, catalogue, today)}
    assert {"pneumothorax", "both_sides_of_thorax", "precaution"} <= warned
    anticoagulated, _ = by_name["Demo"]
    assert "anticoagulants" in anticoagulated.screening.present()


def test_daily_backups_keep_the_last_seven_and_never_remove_manual_ones(data_dir):
    with open_patient_database(data_dir) as database:
        database.add_patient(example_patient())
        make_backup(database, data_dir)
    for day in range(1, 11):
        open_patient_database(data_dir, now=datetime(2027, 1, day, 8, tzinfo=UTC)).close()
        open_patient_database(data_dir, now=datetime(2027, 1, day, 18, tzinfo=UTC)).close()
    backups = sorted(path.name for path in backups_dir(data_dir).iterdir())
    daily = [name for name in backups if name.endswith("-daily.db")]
    assert len(daily) == 7
    assert daily[0].startswith("patients-20270104-")  # the oldest three went
    assert len([name for name in backups if name.endswith("-manual.db")]) == 1
