"""Errors of the clinical domain: a patient record value that cannot be right."""

from __future__ import annotations


class PatientDataError(ValueError):
    """One or more impossible values in a patient record; `problems` holds one plain sentence
    per problem and the message is those sentences joined."""

    def __init__(self, problems: list[str] | tuple[str, ...] | str) -> None:
        self.problems: tuple[str, ...] = (
            (problems,) if isinstance(problems, str) else tuple(problems)
        )
        super().__init__(" ".join(self.problems))
