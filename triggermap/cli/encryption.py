"""The `encrypt` command: encryption at rest of the patient records and their backups."""

from __future__ import annotations

import click


@click.command()
@click.option(
    "--auto-lock",
    "auto_lock",
    type=click.IntRange(1, 24 * 60),
    metavar="MINUTES",
    help="Lock the records in the window after this many minutes without use (default 10).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def encrypt(auto_lock: int | None, yes: bool) -> None:
    """Encrypt the patient records and every backup with a passphrase (SQLCipher, AES-256).

    From then on they open only with the passphrase, which cannot be recovered: keep it where
    the clinic keeps its other keys. On encrypted records, --auto-lock alone changes the
    auto-lock time."""
    from triggermap.cli import chosen_data_dir
    from triggermap.services.patient_records import records_are_encrypted
    from triggermap.services.records_encryption import (
        encrypt_records,
        passphrase_problem,
        set_auto_lock,
    )
    from triggermap.storage.patient_cipher import starts_plain
    from triggermap.storage.patient_db import PatientDatabaseError

    data_dir = chosen_data_dir(click.get_current_context())
    database = data_dir / "patients.db"
    try:
        if records_are_encrypted(data_dir) and database.exists() and not starts_plain(database):
            if auto_lock is None:
                raise click.ClickException("The patient records are encrypted already.")
            set_auto_lock(data_dir, auto_lock)
            click.echo(f"the records lock after {auto_lock} minute(s) without use")
            return
        if not yes:
            click.confirm(
                f"Encrypt the patient records in {data_dir} and their backups? Without the "
                "passphrase they cannot be read by anyone, you included.",
                abort=True,
            )
        while True:
            passphrase = click.prompt(
                "New passphrase", hide_input=True, confirmation_prompt="Repeat the passphrase"
            )
            problem = passphrase_problem(passphrase)
            if problem is None:
                break
            click.echo(problem, err=True)
        done = encrypt_records(data_dir, passphrase, auto_lock)
    except PatientDatabaseError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"encrypted {done.database} and {done.copies} backup(s)")


COMMANDS = [encrypt]
