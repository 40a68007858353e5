"""The import contracts hold, and each one fires when its rule is broken."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = (
    "Qt (PySide6) only under triggermap.ui",
    "SQLite (sqlite3, sqlite_utils, sqlcipher3) only under triggermap.storage",
    "Layers: launch > cli > ui > services > storage > clinic > catalogue > geometry",
    "The patient screens reach the records through services only",
)


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_project_keeps_all_its_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in result.stdout


@pytest.mark.parametrize(
    ("module", "statement", "broken"),
    [
        ("triggermap/geometry/_violation.py", "import PySide6.QtCore\n", CONTRACTS[0]),
        ("triggermap/services/_violation.py", "import sqlite3\n", CONTRACTS[1]),
        ("triggermap/ui/_violation.py", "import sqlite_utils\n", CONTRACTS[1]),
        ("triggermap/cli/_violation.py", "import sqlcipher3\n", CONTRACTS[1]),
        (
            "triggermap/catalogue/_violation.py",
            "import triggermap.services.context\n",
            CONTRACTS[2],
        ),
        (
            "triggermap/ui/patients/_violation.py",
            "from triggermap.storage.patient_db import PatientDatabase\n",
            CONTRACTS[3],
        ),
    ],
)
def test_each_contract_fires_on_a_violation(
    tmp_path: Path, module: str, statement: str, broken: str
):
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    shutil.copytree(
        ROOT / "triggermap",
        copy / "triggermap",
        ignore=shutil.ignore_patterns("__pycache__", "_shipped"),
    )
    (copy / module).write_text(statement)
    result = lint_imports(copy)
    assert result.returncode != 0
    assert f"{broken} BROKEN" in result.stdout, result.stdout
