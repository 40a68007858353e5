"""The `audit` commands: check the patient records against their sealed audit trail."""

from __future__ import annotations

import click

from triggermap.cli._guard import GuardedGroup


@click.group(cls=GuardedGroup)
def audit() -> None:
    """The patient records' audit trail."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the whole audit trail and every patient and visit against it.

    Prints one sentence per problem. Exits 1 when anything was changed outside triggermap,
    2 when part of the trail could not be checked here (sealed with another installation's
    key), 0 when all is intact."""
    # the one way commands open the records (errors as plain sentences)
    from triggermap.cli.patients import _patient_database

    with _patient_database() as database:
        findings = database.check_audit()
        entries = database.audit_head().seq
        patients = database.patient_count()
    for sentence in findings.sentences:
        click.echo(sentence)
    if findings.changes:
        click.echo(
            f"{len(findings.changes)} change(s) made outside triggermap "
            f"({entries} audit entries, {patients} patients checked)."
        )
        raise SystemExit(1)
    if findings.unverifiable:
        raise SystemExit(2)
    click.echo(
        f"The audit trail ({entries} entries) and the records of {patients} patients are intact."
    )


COMMANDS = [audit]
