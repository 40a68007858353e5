"""What the command line says when something goes wrong: one plain sentence and a non-zero exit,
never a traceback, and never a stored name, note or complaint; an unexpected error's details go
to the error log (<data dir>/logs/triggermap.log), which holds no patient data either."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from triggermap.cli import main
from triggermap.cli._guard import UNEXPECTED_ERROR_EXIT, GuardedGroup
from triggermap.services import error_log
from triggermap.services.error_log import describe, log_file, record_unexpected_error
from triggermap.services.patient_records import patient_database_path

from .conftest import ROOT
from .distinctive_patient import FAMILY_NAME, GIVEN_NAME, NOTES, leaked, make_distinctive_record

UNEXPECTED = "triggermap could not finish `{command}`: an unexpected error; details are in {log}."


@pytest.fixture
def record(tmp_path: Path) -> tuple[Path, str]:
    data_dir = tmp_path / "data"
    return data_dir, make_distinctive_record(data_dir)


def run_program(data_dir: Path, *arguments: str | bytes) -> subprocess.CompletedProcess:
    """The program as a user starts it (`python -m triggermap`, the same entry point as the
    `triggermap` script), arguments passed as given (bytes too)."""
    return subprocess.run(
        [sys.executable, "-m", "triggermap", "--data-dir", str(data_dir), *arguments],
        capture_output=True,
        cwd=data_dir.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )


def log_text(data_dir: Path) -> str:
    logs = data_dir / "logs"
    if not logs.is_dir():
        return ""
    return "".join(path.read_text(encoding="utf-8") for path in sorted(logs.iterdir()))


def assert_one_sentence_no_traceback(stdout: str, stderr: str) -> None:
    assert "Traceback" not in stdout + stderr
    assert stdout.strip() == ""
    assert len(stderr.strip().splitlines()) == 1, stderr


# -- the guard: any unexpected exception ---------------------------------------------------------


def test_unexpected_error_is_one_sentence_and_its_details_go_to_the_log(record, monkeypatch):
    """An exception whose message quotes stored data (as date.fromisoformat's does)."""
    from triggermap.services import patient_exports

    data_dir, patient_id = record

    def failing_csv(*args, **kwargs):
        raise ValueError(f"Invalid isoformat string: '{GIVEN_NAME} {FAMILY_NAME}, {NOTES}'")

    monkeypatch.setattr(patient_exports, "visits_csv", failing_csv)
    result = CliRunner().invoke(
        main,
        [
            *("--data-dir", str(data_dir), "export", "--patient", patient_id),
            *("--format", "csv", "-o", str(data_dir.parent / "out.csv")),
        ],
    )
    log = log_file(data_dir)
    assert result.exit_code == UNEXPECTED_ERROR_EXIT
    assert result.stdout == ""
    assert result.stderr == UNEXPECTED.format(command="export", log=log) + "\n"
    text = log.read_text(encoding="utf-8")
    assert "ValueError" in text
    assert "test_cli_messages.py" in text
    assert "in failing_csv" in text
    assert "triggermap/cli/exports.py:" in text
    assert leaked(text) == []
    assert "Invalid isoformat" not in text  # no message at all, not only no name
    assert patient_id not in text  # the command line is not logged either
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700


def test_a_subcommand_of_a_group_is_named(record, monkeypatch):
    from triggermap.cli import patients

    data_dir, _ = record

    def failing_print(*args, **kwargs):
        raise KeyError(FAMILY_NAME)

    monkeypatch.setattr(patients, "_print_patients", failing_print)
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "patients", "find", GIVEN_NAME])
    assert result.exit_code == UNEXPECTED_ERROR_EXIT
    assert result.stderr == (
        UNEXPECTED.format(command="patients find", log=log_file(data_dir)) + "\n"
    )
    text = log_text(data_dir)
    assert "KeyError" in text
    assert "command: patients find" in text
    assert leaked(text, result.output) == []  # neither the key nor the searched-for name


def test_log_that_cannot_be_written_is_said_so(tmp_path):
    """The data directory is a file: the sentence says the details could not be kept."""
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")

    @click.group(cls=GuardedGroup)
    @click.pass_context
    def program(ctx: click.Context) -> None:
        ctx.obj = not_a_folder

    @program.command()
    def fail() -> None:
        raise RuntimeError(NOTES)

    result = CliRunner().invoke(program, ["fail"])
    assert result.exit_code == UNEXPECTED_ERROR_EXIT
    assert result.stderr == (
        "triggermap could not finish `fail`: an unexpected error; its details could not be "
        "written to the error log.\n"
    )


def test_log_is_capped_and_moved_aside(tmp_path, monkeypatch):
    monkeypatch.setattr(error_log, "MAX_LOG_BYTES", 3000)
    try:
        raise OSError(28, "No space left on device", "/somewhere/Quarrington.pdf")
    except OSError as error:
        for _ in range(60):
            path = record_unexpected_error(tmp_path, error, "export")
    older = path.with_name(path.name + ".1")
    assert 0 < path.stat().st_size <= 3000
    assert 0 < older.stat().st_size <= 3000
    for kept in (path, older):
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        text = kept.read_text(encoding="utf-8")
        assert "OSError (ENOSPC)" in text
        assert "Quarrington" not in text
        assert "No space" not in text


def test_log_entry_follows_causes_without_messages():
    try:
        try:
            int(FAMILY_NAME)
        except ValueError as inner:
            raise sqlite3.OperationalError(f"no such column: {NOTES}") from inner
    except sqlite3.OperationalError as error:
        lines = describe(error)
    assert lines[0] == "error: sqlite3.OperationalError"
    assert "caused by: ValueError" in lines
    assert any("in test_log_entry_follows_causes_without_messages" in line for line in lines)
    assert leaked(*lines) == []


def test_unicode_error_names_its_kind_not_its_text():
    try:
        f"{GIVEN_NAME}\udcff".encode()
    except UnicodeEncodeError as error:
        lines = describe(error)
    assert lines[0] == "error: UnicodeEncodeError (utf-8, surrogates not allowed)"
    assert leaked(*lines) == []


# -- click's own endings are unchanged -----------------------------------------------------------


def test_usage_errors_are_click_s_own(record):
    data_dir, _ = record
    missing = CliRunner().invoke(main, ["--data-dir", str(data_dir), "export", "--format", "csv"])
    assert missing.exit_code == 2
    assert "Missing option '--patient'" in missing.output
    unknown = CliRunner().invoke(main, ["--data-dir", str(data_dir), "no-such-command"])
    assert unknown.exit_code == 2
    assert "No such command" in unknown.output
    assert not (data_dir / "logs").exists()


def test_refusals_are_click_exceptions_as_before(record):
    data_dir, _ = record
    result = CliRunner().invoke(
        main,
        [
            *("--data-dir", str(data_dir), "export", "--patient", "nobody"),
            *("--format", "csv", "-o", str(data_dir.parent / "x.csv")),
        ],
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: No patient with id 'nobody'.\n"
    assert not (data_dir / "logs").exists()


def test_declined_confirmation_is_aborted_as_before(record, tmp_path):
    data_dir, _ = record
    backup = tmp_path / "some-backup.db"
    backup.write_bytes(b"")
    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "restore", str(backup)], input="n\n"
    )
    assert result.exit_code == 1
    assert "Aborted!" in result.output
    assert not (data_dir / "logs").exists()


def test_version_and_help_still_work():
    assert CliRunner().invoke(main, ["--version"]).exit_code == 0
    assert CliRunner().invoke(main, ["patients", "--help"]).exit_code == 0


# -- crafted input through the real entry point --------------------------------------------------


def test_patient_id_that_is_not_utf8_is_one_sentence(record, tmp_path):
    data_dir, _ = record
    done = run_program(
        data_dir, b"export", b"--patient", b"\xff\xfe", b"--format", b"csv", b"-o", b"out.csv"
    )
    stdout, stderr = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    assert done.returncode == 1
    assert_one_sentence_no_traceback(stdout, stderr)
    assert stderr == "Error: No patient with id '\\udcff\\udcfe'.\n"
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    "arguments",
    [
        [b"patients", b"find", b"\xff\xfe"],
        [b"patients", b"find", b"Zeb\xffulon"],
        [b"export", b"--patient", b"\xc3", b"--format", b"note", b"-o", b"n.pdf"],
        [b"export", b"--patient", b"x" * 5000, b"--format", b"json", b"-o", b"x.json"],
        [b"export", b"--patient", b"' OR 1=1 --", b"--format", b"fhir", b"-o", b"f.json"],
    ],
    ids=["find-not-utf8", "find-half-utf8", "export-truncated-utf8", "long-id", "sql-in-id"],
)
def test_crafted_arguments_never_show_a_traceback(record, arguments):
    data_dir, _ = record
    done = run_program(data_dir, *arguments)
    stdout, stderr = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    assert "Traceback" not in stdout + stderr
    assert len(stderr.strip().splitlines()) <= 1, stderr
    assert leaked(stderr) == []


#: Rows changed behind the program's back (another tool, a damaged disk), each of which the
#: program cannot read back: SQL run with plain sqlite3 on the database the program created.
BAD_ROWS = {
    "date-of-birth": "UPDATE patients SET date_of_birth = 'not-a-date'",
    "signing-time-quoting-the-name": (
        f"UPDATE visits SET finalised_at = '{GIVEN_NAME} {FAMILY_NAME}'"
    ),
    "needle-flag": "UPDATE needled_points SET performed = 7",
    "needle-side-quoting-the-notes": f"UPDATE needled_points SET side = '{NOTES}'",
    "pain-as-text": f"UPDATE pain_marks SET intensity = '{NOTES}'",
    "name-as-bytes": f"UPDATE patients SET family_name = CAST('{FAMILY_NAME}' AS BLOB)",
    # FHIR refuses an empty family name: its refusal quotes a pattern with line breaks in it
    "empty-family-name": "UPDATE patients SET family_name = ''",
}
COMMANDS = {
    "patients-list": ["patients", "list"],
    "patients-find": ["patients", "find", "Quarr"],
    "export-csv": ["export", "--patient", "{id}", "--format", "csv", "-o", "out.csv"],
    "export-json": ["export", "--patient", "{id}", "--format", "json", "-o", "out.json"],
    "export-fhir": ["export", "--patient", "{id}", "--format", "fhir", "-o", "out.fhir.json"],
    "export-note": ["export", "--patient", "{id}", "--format", "note", "-o", "out-note.pdf"],
    "export-pdf": ["export", "--patient", "{id}", "--format", "pdf", "-o", "out.pdf"],
}


def damage(data_dir: Path, statement: str) -> None:
    connection = sqlite3.connect(patient_database_path(data_dir))
    try:
        connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
@pytest.mark.parametrize("bad_row", BAD_ROWS, ids=list(BAD_ROWS))
def test_bad_rows_never_show_a_traceback_or_the_record(record, bad_row, command):
    """Each failure is one sentence with a non-zero exit; nothing the record holds reaches the
    screen or the log. (A command the bad row does not stop may succeed: then a listing shows
    the patient, as it should, and an export writes its file.)"""
    data_dir, patient_id = record
    damage(data_dir, BAD_ROWS[bad_row])
    arguments = [part.format(id=patient_id) for part in COMMANDS[command]]
    done = run_program(data_dir, *arguments)
    stdout, stderr = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    assert "Traceback" not in stdout + stderr
    assert leaked(stderr, log_text(data_dir)) == []
    if done.returncode != 0:
        assert_one_sentence_no_traceback(stdout, stderr)
    if done.returncode == UNEXPECTED_ERROR_EXIT:
        assert f"details are in {log_file(data_dir)}." in stderr
        assert stat.S_IMODE(log_file(data_dir).stat().st_mode) == 0o600
    if done.returncode == 0 and command.startswith("export"):
        assert (data_dir.parent / arguments[-1]).stat().st_size > 0


def test_bad_date_of_birth_fails_export_and_listing_without_a_traceback(record):
    """The case of the issue, pinned: date_of_birth 'not-a-date' stops every command that reads
    the patient, each with one sentence and exit status 70 (or a refusal, once the database
    layer reports such a row itself)."""
    data_dir, patient_id = record
    damage(data_dir, BAD_ROWS["date-of-birth"])
    for arguments in (
        ["patients", "list"],
        ["export", "--patient", patient_id, "--format", "json", "-o", "out.json"],
    ):
        done = run_program(data_dir, *arguments)
        stdout, stderr = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
        assert done.returncode in (1, UNEXPECTED_ERROR_EXIT), stderr
        assert_one_sentence_no_traceback(stdout, stderr)
        assert "not-a-date" not in stderr + log_text(data_dir)
    assert not (data_dir.parent / "out.json").exists()


@pytest.mark.parametrize("command", ["patients-list", "export-csv"])
def test_text_that_is_not_utf8_in_the_database_is_read_marked_and_never_in_an_error(
    record, command
):
    """Bytes that are not UTF-8 (damage, an outside tool) are read with U+FFFD in their place,
    so one spoilt name does not stop every list; no message or log quotes them, and the audit
    check names the record as changed outside triggermap."""
    data_dir, patient_id = record
    damage(
        data_dir,
        f"UPDATE patients SET family_name = CAST(x'{FAMILY_NAME.encode().hex()}ff' AS TEXT)",
    )
    arguments = [part.format(id=patient_id) for part in COMMANDS[command]]
    done = run_program(data_dir, *arguments)
    stderr = done.stderr.decode(errors="replace")
    assert "Traceback" not in stderr
    assert leaked(stderr, log_text(data_dir)) == []
    verified = run_program(data_dir, "audit", "verify")
    assert verified.returncode == 1
    assert f"The patient record {patient_id} was changed outside triggermap" in (
        verified.stdout.decode()
    )


def test_fhir_refusal_is_one_line_and_quotes_no_value():
    from triggermap.services.patient_exports import ExportRefused, validate_fhir_bundle

    def patient(**fields: object) -> dict:
        resource = {"resourceType": "Patient", "id": "p1", **fields}
        return {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"fullUrl": "urn:uuid:1", "resource": resource}],
        }

    with pytest.raises(ExportRefused) as empty_name:
        validate_fhir_bundle(patient(name=[{"family": ""}]))
    assert "name.0.family: String should match pattern" in str(empty_name.value)
    assert len(str(empty_name.value).splitlines()) == 1
    with pytest.raises(ExportRefused) as bad_date:
        validate_fhir_bundle(patient(birthDate=f"{NOTES}-1980"))
    assert "birthDate: not a valid value" in str(bad_date.value)
    assert leaked(str(bad_date.value)) == []
