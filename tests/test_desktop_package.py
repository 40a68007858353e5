"""The desktop package's files (packaging/): the menu entry, the MIME type of the JSON record
export, and the frozen program's recipe shipping what the wheel ships.

Building and installing the package itself is CI's job (`make package` in .ci/run), which
installs it with apt-get and runs the installed program.
"""

from __future__ import annotations

import configparser
import fnmatch
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.patient_examples import example_patient, example_visit
from triggermap import resources
from triggermap.services.patient_exports import visits_json
from triggermap.storage.catalogue_reader import read_catalogue

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
MIME = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read(PACKAGING / "triggermap.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_menu_entry_starts_the_installed_program_with_its_icon():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "triggermap"  # a file argument would go to the command line
    assert entry["Icon"] == "triggermap"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    assert "MedicalSoftware" in entry["Categories"]
    assert (ROOT / "assets" / "icons" / "triggermap.svg").is_file()


def test_the_mime_type_recognises_a_real_json_export_by_name_and_content():
    from triggermap.ui.patients.patient_menu import RECORD_EXPORTS

    mime = ET.parse(PACKAGING / "triggermap-mime.xml").getroot().find(f"{MIME}mime-type")
    glob = mime.find(f"{MIME}glob").get("pattern")
    match = mime.find(f"{MIME}magic/{MIME}match")
    start, end = (int(n) for n in match.get("offset").split(":"))
    suffix = next(s for text, s, _f, _w in RECORD_EXPORTS if "JSON" in text and "FHIR" not in text)
    assert fnmatch.fnmatch(f"record-0123abcd.{suffix}", glob)
    patient = example_patient()
    catalogue = read_catalogue(resources.catalogue_db())
    text = visits_json(patient, [example_visit(patient.id)], catalogue)
    found = text.find(match.get("value"))
    assert start <= found <= end, (found, text[:120])


def test_the_frozen_program_carries_what_the_wheel_ships():
    setup = (ROOT / "setup.py").read_text(encoding="utf-8")
    shipped = re.findall(r'\("([a-z/]+)", "[^"]+"\)', setup)
    assert {"assets/svg", "assets/geometry", "assets/icons", "data"} <= set(shipped)
    spec = (PACKAGING / "triggermap.spec").read_text(encoding="utf-8")
    for folder in shipped:
        assert f"triggermap/_shipped/{folder}" in spec, folder
