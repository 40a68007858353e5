"""The practitioner and the clinic: who signs visits (name, profession, registration) and the
clinic's name and phone that the patient handout gives. Kept in the data directory as
`practice.json` (owner-only, written whole); nothing here is patient data."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from triggermap.services.safe_output import write_private_text

PROFILE_FILE_NAME = "practice.json"
#: The longest a profile field may be (characters): one line on a handout.
FIELD_MAX_CHARACTERS = 120


@dataclass(frozen=True)
class PracticeProfile:
    """Who practises where. Empty fields are left off the documents."""

    practitioner_name: str = ""
    profession: str = ""
    registration: str = ""
    clinic_name: str = ""
    clinic_phone: str = ""

    @property
    def signature(self) -> str:
        """How the practitioner signs a visit: "Jo Smith, physiotherapist, reg. PH123456"."""
        parts = [self.practitioner_name.strip()]
        if self.profession.strip():
            parts.append(self.profession.strip())
        if self.registration.strip():
            parts.append(f"reg. {self.registration.strip()}")
        return ", ".join(part for part in parts if part)

    @property
    def clinic_line(self) -> str:
        """The clinic as the handout names it: "Riverside Physio · 01234 567890"."""
        return "  ·  ".join(
            part.strip() for part in (self.clinic_name, self.clinic_phone) if part.strip()
        )


def profile_problems(profile: PracticeProfile) -> list[str]:
    """One sentence per field that cannot go on a document ([] when all is well)."""
    problems = []
    for field in fields(profile):
        value = getattr(profile, field.name)
        label = field.name.replace("_", " ").capitalize()
        if len(value) > FIELD_MAX_CHARACTERS:
            problems.append(f"{label}: at most {FIELD_MAX_CHARACTERS} characters.")
        if "\n" in value or "\r" in value:
            problems.append(f"{label}: one line only.")
    if profile.clinic_phone and not any(c.isdigit() for c in profile.clinic_phone):
        problems.append("Clinic phone: give the number, with its digits.")
    return problems


def load_profile(data_dir: Path) -> PracticeProfile:
    """The saved profile (an empty one when there is none or it cannot be read)."""
    try:
        raw = json.loads((Path(data_dir) / PROFILE_FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return PracticeProfile()
    if not isinstance(raw, dict):
        return PracticeProfile()
    known = {f.name for f in fields(PracticeProfile)}
    return PracticeProfile(**{k: str(v) for k, v in raw.items() if k in known and v is not None})


def save_profile(data_dir: Path, profile: PracticeProfile) -> None:
    """Save the profile (ValueError with the sentences when a field cannot be right)."""
    problems = profile_problems(profile)
    if problems:
        raise ValueError(" ".join(problems))
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    write_private_text(Path(data_dir) / PROFILE_FILE_NAME, json.dumps(asdict(profile), indent=2))
