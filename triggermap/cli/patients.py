"""Commands for the patient records: list and find patients, back up, restore, demo data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from triggermap.cli._guard import GuardedGroup
from triggermap.clinic.model import Patient
from triggermap.services.context import AppContext
from triggermap.storage.errors import CatalogueUnavailable

if TYPE_CHECKING:
    from triggermap.storage.patient_db import PatientDatabase

# The patient database's modules (and sqlite-utils) are imported inside the commands: the
# application imports this module at start-up and must not wait for them.


def _data_dir() -> Path:
    # imported here: triggermap.cli imports this module while it is being set up
    from triggermap.cli import chosen_data_dir

    return chosen_data_dir(click.get_current_context())


def records_key(data_dir: Path):
    """The key of encrypted records, from the passphrase asked for (hidden); None for plain
    records."""
    from triggermap.services.patient_records import records_are_encrypted, unlock

    if not records_are_encrypted(data_dir):
        return None
    passphrase = click.prompt("Passphrase of the patient records", hide_input=True)
    return unlock(data_dir, passphrase)


@contextmanager
def _patient_database() -> Iterator[PatientDatabase]:
    """The chosen data directory's patient database (encrypted records ask for their
    passphrase); its errors as plain command errors."""
    from triggermap.services.patient_records import open_patient_database
    from triggermap.storage.patient_db import PatientDatabaseDamaged, PatientDatabaseError

    data_dir = _data_dir()
    try:
        database = open_patient_database(data_dir, key=records_key(data_dir))
    except PatientDatabaseDamaged as error:
        offer = (
            f"\nTo go back to the latest backup: triggermap restore {error.latest_backup}"
            if error.latest_backup
            else ""
        )
        raise click.ClickException(f"{error}{offer}") from error
    except PatientDatabaseError as error:
        raise click.ClickException(str(error)) from error
    try:
        yield database
    except PatientDatabaseError as error:
        raise click.ClickException(str(error)) from error
    finally:
        database.close()


def _patient_summary(patient: Patient, visits: int) -> dict[str, object]:
    return {
        "id": patient.id,
        "family_name": patient.family_name,
        "given_name": patient.given_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "visits": visits,
    }


def _print_patients(database: PatientDatabase, patients: list[Patient], as_json: bool) -> None:
    summaries = [_patient_summary(p, len(database.visits_of(p.id))) for p in patients]
    if as_json:
        click.echo(json.dumps(summaries, indent=2, ensure_ascii=False))
        return
    if not summaries:
        click.echo("No patients.")
        return
    for summary in summaries:
        name = f"{summary['family_name']}, {summary['given_name']}".strip(", ")
        click.echo(
            f"{summary['id']}  {summary['date_of_birth']}  {name}  ({summary['visits']} visit(s))"
        )


@click.group(cls=GuardedGroup)
def patients() -> None:
    """List and find the patients in your patient database."""


@patients.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def patients_list(as_json: bool) -> None:
    """List every patient: id, date of birth, name and number of visits."""
    with _patient_database() as database:
        _print_patients(database, database.all_patients(), as_json)


@patients.command("find")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
def patients_find(text: str, as_json: bool, limit: int) -> None:
    """Find patients by name (start of any name, any order) or date of birth
    (1970-03-21 or 21.3.1970)."""
    with _patient_database() as database:
        _print_patients(database, database.find_patients(text, limit), as_json)


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Backup file to write (default: a new file in the data directory's backups/).",
)
def backup(output: Path | None) -> None:
    """Back up the patient database (a consistent copy, readable by you only)."""
    from triggermap.services.patient_records import make_backup

    with _patient_database() as database:
        written = make_backup(database, _data_dir(), output)
    click.echo(f"wrote {written}")


@click.command()
@click.argument("backup_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(backup_file: Path, yes: bool) -> None:
    """Replace the patient database by a backup. The current file is kept beside it, renamed
    (never overwritten). Close triggermap's windows first."""
    from triggermap.services.patient_records import (
        patient_database_path,
        restore_backup,
        set_aside_databases,
    )
    from triggermap.storage.patient_db import PatientDatabaseError

    data_dir = _data_dir()
    target = patient_database_path(data_dir)
    if not yes:
        click.confirm(
            f"Replace {target} by the backup {backup_file}? The current file is kept, renamed.",
            abort=True,
        )
    try:
        restored = restore_backup(data_dir, backup_file, records_key(data_dir))
    except PatientDatabaseError as error:
        raise click.ClickException(str(error)) from error
    aside = set_aside_databases(data_dir)
    click.echo(f"restored {restored} from {backup_file}")
    if aside:
        click.echo(f"the previous database was kept as {aside[0]}")


@click.command()
def demo() -> None:
    """Fill the data directory with fictional demonstration patients and visits."""
    from triggermap.services.patient_records import DemoWouldMix, fill_demo, patient_database_path

    try:
        catalogue = AppContext.default(_data_dir()).catalogue
    except CatalogueUnavailable as error:
        raise click.ClickException(str(error)) from error
    with _patient_database() as database:
        try:
            changes = fill_demo(database, catalogue)
        except DemoWouldMix as error:
            raise click.ClickException(str(error)) from error
        count = database.patient_count()
    verb = "added" if changes.patients else "already there:"
    click.echo(
        f"{verb} fictional demonstration patients in {patient_database_path(_data_dir())} "
        f"({count} patients)"
    )


COMMANDS = [patients, backup, restore, demo]
