"""Damaged program files: truncated, zeroed and random-byte copies of the catalogue and of each
body view give the program's own clear error (naming the file), never another exception."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from triggermap import resources
from triggermap.geometry.atlas import load_view
from triggermap.geometry.errors import AtlasError
from triggermap.storage.catalogue_reader import CatalogueUnavailable, read_catalogue
from triggermap.storage.catalogue_search import CatalogueSearch

CATALOGUE = resources.catalogue_db()
VIEW_FILES = sorted(resources.svg_dir().glob("*.svg"))
#: SQLite's page size for data/points.db (the builder keeps the default).
PAGE = 4096
#: How many bytes a "random-byte" copy changes in place; enough to hit structure, few enough
#: that much of the file survives (the hard case: damage the reader does not see at once).
FLIPPED_BYTES = 32
#: What each of our messages says is wrong, in the reader's own words.
CATALOGUE_PROBLEMS = ("is missing", "cannot be read", "is damaged", "is empty", "has schema")


def truncations(raw: bytes) -> dict[str, bytes]:
    """Copies cut short at lengths that hit different structures of the file."""
    end = len(raw.rstrip())  # trailing white space is not content: cut into the content
    return {
        "empty": b"",
        "one byte": raw[:1],
        "first 100 bytes": raw[:100],
        "half": raw[: end // 2],
        "all but the last byte": raw[: end - 1],
    }


def zeroings(raw: bytes) -> dict[str, bytes]:
    """A copy of zeros of the same length, and one with a zeroed block in the middle."""
    middle = len(raw) // 2 // PAGE * PAGE
    return {
        "all zeros": bytes(len(raw)),
        "zeroed block": raw[:middle] + bytes(PAGE) + raw[middle + PAGE :],
    }


def random_bytes(raw: bytes, seed: int) -> bytes:
    """A copy with FLIPPED_BYTES bytes overwritten at random (seeded, so reproducible)."""
    generator = random.Random(seed)
    damaged = bytearray(raw)
    for _ in range(FLIPPED_BYTES):
        damaged[generator.randrange(len(damaged))] = generator.randrange(256)
    return bytes(damaged)


# -- the catalogue ------------------------------------------------------------------------------


def catalogue_copy(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "points.db"
    path.write_bytes(content)
    return path


def assert_clear_catalogue_error(path: Path) -> None:
    with pytest.raises(CatalogueUnavailable) as caught:
        read_catalogue(path)
    message = str(caught.value)
    assert str(path) in message
    assert any(problem in message for problem in CATALOGUE_PROBLEMS), message


def loads_or_clear_error(path: Path) -> None:
    """Damage that SQLite cannot see (inside text, in unused space) may load; anything else
    must be our clear error. Search over the same file must not raise anything else either."""
    refusal = None
    try:
        read_catalogue(path)
        search = CatalogueSearch(path)
        try:
            assert isinstance(search.search("trapezius headache"), list)
        finally:
            search.close()
    except CatalogueUnavailable as error:
        refusal = str(error)
    assert refusal is None or str(path) in refusal


@pytest.fixture(scope="module")
def catalogue_bytes() -> bytes:
    return CATALOGUE.read_bytes()


@pytest.mark.parametrize("cut", ["empty", "one byte", "first 100 bytes", "half"])
def test_a_truncated_catalogue_gives_a_clear_error(tmp_path, catalogue_bytes, cut):
    assert_clear_catalogue_error(catalogue_copy(tmp_path, truncations(catalogue_bytes)[cut]))


@pytest.mark.parametrize("pages_lost", [1, 2, 10])
def test_a_catalogue_missing_its_last_pages_gives_a_clear_error(
    tmp_path, catalogue_bytes, pages_lost
):
    # the header still promises every page, so the reader meets the end of the file
    cut = catalogue_bytes[: len(catalogue_bytes) - pages_lost * PAGE]
    assert_clear_catalogue_error(catalogue_copy(tmp_path, cut))


def test_a_catalogue_missing_its_last_byte_loads_or_gives_a_clear_error(tmp_path, catalogue_bytes):
    # SQLite reads a short last page as zero-filled, which may leave every row intact
    loads_or_clear_error(
        catalogue_copy(tmp_path, truncations(catalogue_bytes)["all but the last byte"])
    )


@pytest.mark.parametrize("kind", ["all zeros", "zeroed block"])
def test_a_zeroed_catalogue_gives_a_clear_error(tmp_path, catalogue_bytes, kind):
    assert_clear_catalogue_error(catalogue_copy(tmp_path, zeroings(catalogue_bytes)[kind]))


def test_a_catalogue_of_random_bytes_gives_a_clear_error(tmp_path, catalogue_bytes):
    noise = random.Random(1).randbytes(len(catalogue_bytes))
    assert_clear_catalogue_error(catalogue_copy(tmp_path, noise))


def rows_out_of_order(raw: bytes, table: str) -> bytes:
    """A copy in which two rows of a one-page table swap places in the page's cell index: every
    row still reads back, only SQLite's own structure check (quick_check) can tell."""
    with sqlite3.connect(f"{CATALOGUE.resolve().as_uri()}?mode=ro", uri=True) as connection:
        (root,) = connection.execute(
            "select rootpage from sqlite_master where name = ?", [table]
        ).fetchone()
    connection.close()
    page = (root - 1) * PAGE
    assert raw[page] == 0x0D, f"{table} is not a single leaf page any more; pick another table"
    damaged = bytearray(raw)
    # the cell pointer array of a leaf page starts at byte 8 of the page
    first, second = slice(page + 8, page + 10), slice(page + 10, page + 12)
    damaged[first], damaged[second] = raw[second], raw[first]
    return bytes(damaged)


def test_damage_that_still_reads_back_is_refused(tmp_path, catalogue_bytes):
    assert_clear_catalogue_error(
        catalogue_copy(tmp_path, rows_out_of_order(catalogue_bytes, "caveats"))
    )


@pytest.mark.parametrize("seed", range(12))
def test_random_bytes_in_the_catalogue_load_or_give_a_clear_error(tmp_path, catalogue_bytes, seed):
    loads_or_clear_error(catalogue_copy(tmp_path, random_bytes(catalogue_bytes, seed)))


def test_a_damaged_name_in_the_schema_gives_a_clear_error(tmp_path, catalogue_bytes):
    name = b"idx_hazards_muscle_id"
    assert name in catalogue_bytes
    damaged = catalogue_bytes.replace(name, b"idx_hazards_mu\x97cle_id", 1)
    assert_clear_catalogue_error(catalogue_copy(tmp_path, damaged))


def test_a_damaged_search_index_gives_a_clear_error_or_no_hits(tmp_path):
    path = catalogue_copy(tmp_path, CATALOGUE.read_bytes())
    with sqlite3.connect(path) as connection:
        # overwrite the FTS5 index blocks (not the structure record, id 1) with noise
        connection.execute(
            "update muscles_fts_data set block = zeroblob(length(block)) where id > 10"
        )
    connection.close()
    loads_or_clear_error(path)


# -- the body views (SVG) -----------------------------------------------------------------------


def view_copy(tmp_path: Path, original: Path, content: bytes) -> Path:
    path = tmp_path / original.name
    path.write_bytes(content)
    return path


def assert_clear_atlas_error(path: Path) -> None:
    with pytest.raises(AtlasError) as caught:
        load_view(path)
    assert str(caught.value).startswith(str(path)), caught.value
    assert caught.value.problem


def view_loads_or_clear_error(path: Path) -> None:
    refusal = None
    try:
        load_view(path)
    except AtlasError as error:
        refusal = str(error)
    assert refusal is None or refusal.startswith(str(path)), refusal


@pytest.mark.parametrize("view_file", VIEW_FILES, ids=lambda p: p.stem)
def test_damaged_copies_of_each_view_give_a_clear_error(tmp_path, view_file):
    raw = view_file.read_bytes()
    damaged = {
        **truncations(raw),
        **zeroings(raw),
        "random bytes": random.Random(2).randbytes(len(raw)),
    }
    for content in damaged.values():
        assert_clear_atlas_error(view_copy(tmp_path, view_file, content))


#: Printable replacements keep the XML well-formed more often, so the damage reaches the view
#: box, ids and path data instead of stopping at the XML parser.
PRINTABLE = b"0123456789.-,eEMLCZzHVA _abxyn"


@pytest.mark.parametrize("view_file", VIEW_FILES, ids=lambda p: p.stem)
def test_random_bytes_in_each_view_load_or_give_a_clear_error(tmp_path, view_file):
    raw = view_file.read_bytes()
    for seed in range(4):
        view_loads_or_clear_error(view_copy(tmp_path, view_file, random_bytes(raw, seed)))
        generator = random.Random(seed)
        damaged = bytearray(raw)
        for _ in range(8):
            where = generator.randrange(len(damaged))
            if damaged[where] not in b"<>&\"'":
                damaged[where] = generator.choice(PRINTABLE)
        view_loads_or_clear_error(view_copy(tmp_path, view_file, bytes(damaged)))


def test_a_damaged_mirror_axis_gives_a_clear_error(tmp_path):
    original = resources.svg_dir() / "anterior.svg"
    raw = original.read_bytes()
    assert b'data-mirror-axis="500"' in raw
    damaged = raw.replace(b'data-mirror-axis="500"', b'data-mirror-axis="5#0"', 1)
    path = view_copy(tmp_path, original, damaged)
    try:
        load_view(path)
    except AtlasError:
        return
    pytest.fail("a damaged mirror axis was accepted")


# -- the real command line ----------------------------------------------------------------------

#: The CLI has no option naming another view folder or catalogue, so this child process points
#: the program's resource look-ups at the damaged copies and then runs the real `main`.
CLI_WITH_FILES = """
import sys
from pathlib import Path
import triggermap.resources as resources
svg_dir, catalogue = Path(sys.argv.pop(1)), Path(sys.argv.pop(1))
resources.svg_dir = lambda: svg_dir
resources.catalogue_db = lambda: catalogue
from triggermap.cli import main
main()
"""


def run_cli(tmp_path: Path, svg_dir: Path, catalogue: Path, *arguments: str):
    return subprocess.run(
        [sys.executable, "-c", CLI_WITH_FILES, str(svg_dir), str(catalogue), *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
        },
    )


def assert_one_line_error(finished: subprocess.CompletedProcess, names: Path) -> None:
    assert finished.returncode == 1, finished.stderr
    assert "Traceback" not in finished.stderr
    lines = finished.stderr.strip().splitlines()
    assert len(lines) == 1, finished.stderr
    assert lines[0].startswith("Error: ")
    assert str(names) in lines[0]


def test_the_cli_reports_a_damaged_view_in_one_line(tmp_path):
    svg_dir = tmp_path / "svg"
    svg_dir.mkdir()
    for view_file in VIEW_FILES:
        (svg_dir / view_file.name).write_bytes(view_file.read_bytes())
    damaged = svg_dir / "anterior.svg"
    damaged.write_bytes(damaged.read_bytes()[:5000])
    finished = run_cli(
        tmp_path, svg_dir, CATALOGUE, "render", "--view", "anterior", "-o", str(tmp_path / "a.png")
    )
    assert_one_line_error(finished, damaged)
    assert not (tmp_path / "a.png").exists()


@pytest.mark.parametrize(
    "damage",
    [
        "first page only",
        "rows out of order",
    ],
)
def test_the_application_reports_a_damaged_catalogue_in_one_line(tmp_path, catalogue_bytes, damage):
    # no command: the application loads the atlas and catalogue before it opens a window
    content = (
        catalogue_bytes[:PAGE]
        if damage == "first page only"
        else rows_out_of_order(catalogue_bytes, "caveats")
    )
    damaged = catalogue_copy(tmp_path, content)
    finished = run_cli(tmp_path, resources.svg_dir(), damaged)
    assert_one_line_error(finished, damaged)
