"""The `export` command: a patient's record as a handout or clinician-note PDF, CSV, JSON or FHIR."""

from __future__ import annotations

import os
from pathlib import Path

import click

from triggermap.clinic.model import PatientId, Visit
from triggermap.geometry.errors import AtlasError
from triggermap.services.context import AppContext
from triggermap.services.safe_output import (
    OutputFailed,
    make_private_directories,
    write_private_text,
)
from triggermap.storage.errors import CatalogueUnavailable

FORMATS = ("pdf", "note", "csv", "json", "fhir")


@click.command()
@click.option("--patient", "patient_id", required=True, metavar="ID", help="The patient's id.")
@click.option(
    "--format",
    "export_format",
    type=click.Choice(FORMATS),
    required=True,
    help="pdf: the patient handout of one visit; note: the clinician note PDF of all visits; "
    "csv or json: all visits; fhir: a FHIR R4 Bundle (JSON) of the record.",
)
@click.option(
    "--visit",
    "visit_id",
    metavar="ID",
    help="Visit for the handout (default: the patient's latest visit).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (replaced whole, never half-written).",
)
def export(patient_id: str, export_format: str, visit_id: str | None, output: Path) -> None:
    """Export a patient's record: handout PDF, clinician note PDF, CSV, JSON or FHIR R4."""
    # imported here: triggermap.cli imports this module while it is being set up, and the
    # application's start-up must not pay for SQLite and export libraries it does not use
    from triggermap.cli import chosen_data_dir
    from triggermap.cli.patients import records_key
    from triggermap.services.patient_exports import (
        ExportRefused,
        fhir_json,
        visits_csv,
        visits_json,
    )
    from triggermap.services.patient_records import open_patient_database, protected_file_problem
    from triggermap.storage.patient_db import PatientDatabaseDamaged, PatientDatabaseError

    if not _is_text(patient_id):
        # bytes that are not UTF-8 (a mistyped or garbled argument) name no stored patient;
        # the id is shown escaped, as typed
        raise click.ClickException(f"No patient with id {patient_id!r}.")
    data_dir = chosen_data_dir(click.get_current_context())
    context = AppContext.default(data_dir)
    try:
        catalogue = context.catalogue
        database = open_patient_database(data_dir, key=records_key(data_dir))
    except (CatalogueUnavailable, PatientDatabaseDamaged, PatientDatabaseError) as error:
        raise click.ClickException(str(error)) from error
    try:
        try:
            patient = database.patient(PatientId(patient_id))
        except KeyError:
            raise click.ClickException(f"No patient with id {patient_id!r}.") from None
        visits = database.visits_of(patient.id)
    except PatientDatabaseError as error:
        raise click.ClickException(str(error)) from error
    finally:
        database.close()

    if visit_id is not None and export_format != "pdf":
        raise click.ClickException("--visit chooses the visit of a handout (--format pdf) only.")
    problem = protected_file_problem(data_dir, output)
    if problem is not None:
        raise click.ClickException(f"Nothing was written: {problem}.")
    try:
        make_private_directories(output.parent)
    except OSError as error:
        raise click.ClickException(
            f"{output} was not written: its folder cannot be made ({error.strerror or error})."
        ) from error
    try:
        if export_format in ("csv", "json", "fhir"):
            writer = {"csv": visits_csv, "json": visits_json, "fhir": fhir_json}[export_format]
            write_private_text(output, writer(patient, visits, catalogue))
        else:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            from triggermap.ui.patient_pdf import write_clinician_note_pdf, write_handout_pdf
            from triggermap.ui.render import headless_application

            app = headless_application()
            if export_format == "note":
                write_clinician_note_pdf(
                    output, patient, visits, catalogue, context.atlas, context.svg_dir
                )
            else:
                visit = _handout_visit(visits, visit_id)
                write_handout_pdf(output, patient, visit, catalogue, context.atlas, context.svg_dir)
            del app
    except ExportRefused as error:
        raise click.ClickException(f"{error}; nothing was written.") from error
    except OutputFailed as error:
        # the sentence names the file and the reason (never the record's contents)
        raise click.ClickException(f"{error}.") from error
    except AtlasError as error:
        raise click.ClickException(f"{output} was not written: {error}") from error
    except OSError as error:
        raise click.ClickException(
            f"{output} was not written: {error.strerror or type(error).__name__}."
        ) from error
    click.echo(f"wrote {output}")


def _handout_visit(visits: list[Visit], visit_id: str | None) -> Visit:
    """The visit a handout is for: the one asked for, else the latest (visits come oldest
    first)."""
    if not visits:
        raise click.ClickException("This patient has no visits; a handout needs one.")
    if visit_id is None:
        return visits[-1]
    for visit in visits:
        if visit.id == visit_id:
            return visit
    raise click.ClickException(f"This patient has no visit with id {visit_id!r}.")


def _is_text(value: str) -> bool:
    """False for an argument holding bytes that are not UTF-8 (Python keeps them as lone
    surrogates, which SQLite cannot take)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


COMMANDS = [export]
