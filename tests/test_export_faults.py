"""Faults while `triggermap export` writes its file, injected for real where the machine allows:
a full disk (a 64 KiB tmpfs), a read-only file system, a file-size limit that cuts files short;
and, where only a seam can, a failing write, fsync or rename and a cut or empty PDF.

Every fault must end the command with a non-zero exit status and one sentence (no traceback, no
"wrote"), leave the earlier file at the output path byte for byte as it was, and leave no
temporary file behind. Exports that succeed are owner-only (0600) whatever the umask."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from triggermap.cli import main
from triggermap.services import safe_output
from triggermap.services.safe_output import (
    OutputFailed,
    pdf_problem,
    write_private_file,
    write_private_text,
)

from .conftest import ROOT
from .distinctive_patient import leaked, make_distinctive_record

FORMATS = ("pdf", "note", "csv", "json", "fhir")
PDF_FORMATS = ("pdf", "note")
TEXT_FORMATS = ("csv", "json", "fhir")
EARLIER = b"the earlier export: a failed export leaves this file exactly as it was\n"
#: A file-size limit (bytes) above the patient database and below any PDF export (> 1 MB).
FILE_SIZE_LIMIT = 400_000


@pytest.fixture
def record(tmp_path: Path) -> tuple[Path, str]:
    """A data directory with the distinctive patient, and the patient's id."""
    data_dir = tmp_path / "data"
    return data_dir, make_distinctive_record(data_dir)


def export(data_dir: Path, patient_id: str, export_format: str, output: Path):
    return CliRunner().invoke(
        main,
        [
            "--data-dir",
            str(data_dir),
            "export",
            "--patient",
            patient_id,
            "--format",
            export_format,
            "-o",
            str(output),
        ],
    )


def partial_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def assert_refused(printed: str, exit_code: int, output: Path, before: bytes | None) -> None:
    """The export failed as it must: non-zero, one sentence, old file intact, no scraps."""
    assert exit_code != 0, printed
    assert "Traceback" not in printed
    assert "wrote" not in printed
    assert len(printed.strip().splitlines()) == 1, printed
    assert (output.read_bytes() if output.exists() else None) == before
    assert partial_files(output.parent) == []
    assert leaked(printed) == []


# -- a real small disk ---------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 64 KiB tmpfs mounted for the test: writes past its size fail with ENOSPC, as on a full
    disk. Needs root (and a kernel that lets this process mount); skipped otherwise."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; test_write_error_* covers ENOSPC without")
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    directory = tmp_path / "small-disk"
    directory.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
    yield directory
    if subprocess.run(["umount", str(directory)], check=False).returncode != 0:
        subprocess.run(["umount", "-l", str(directory)], check=False)


def fill_up(directory: Path) -> None:
    """Fill the file system of `directory` until it reports ENOSPC."""
    descriptor = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    reported = None
    try:
        while reported is None:
            try:
                os.write(descriptor, b"\0" * 4096)
            except OSError as error:
                reported = error.errno
    finally:
        os.close(descriptor)
    assert reported == errno.ENOSPC


@pytest.mark.parametrize("export_format", FORMATS)
def test_full_disk_refuses_and_keeps_the_earlier_file(record, small_disk, export_format, qapp):
    """The reported defect: QPdfWriter wrote a 0-byte or cut PDF onto a full disk and the
    command said "wrote"."""
    data_dir, patient_id = record
    output = small_disk / f"record.{export_format}"
    output.write_bytes(EARLIER)
    fill_up(small_disk)
    result = export(data_dir, patient_id, export_format, output)
    assert_refused(result.output, result.exit_code, output, EARLIER)


@pytest.mark.parametrize("export_format", PDF_FORMATS)
def test_disk_filling_up_during_the_pdf_refuses_the_cut_file(
    record, small_disk, export_format, qapp
):
    """Room for the start of the PDF but not its end: the file starts with %PDF- and stops
    short of %%EOF, and is refused."""
    data_dir, patient_id = record
    output = small_disk / f"record.{export_format}"
    output.write_bytes(EARLIER)
    result = export(data_dir, patient_id, export_format, output)
    assert_refused(result.output, result.exit_code, output, EARLIER)
    assert "cut short" in result.output or "no space" in result.output


@pytest.mark.parametrize("export_format", FORMATS)
def test_read_only_file_system_refuses(record, small_disk, export_format, qapp):
    data_dir, patient_id = record
    output = small_disk / f"record.{export_format}"
    output.write_bytes(EARLIER)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = export(data_dir, patient_id, export_format, output)
    assert_refused(result.output, result.exit_code, output, EARLIER)
    assert "read-only" in result.output.lower()


# -- a real file-size limit (no root needed) -----------------------------------------------------


def _limit_file_size() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    # writes past the limit then fail with EFBIG instead of killing the process
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX file-size limits")
@pytest.mark.parametrize("export_format", PDF_FORMATS)
def test_file_size_limit_cuts_the_pdf_and_it_is_refused(record, tmp_path, export_format):
    """The kernel stops the PDF at FILE_SIZE_LIMIT bytes; QPdfWriter carries on silently, so only
    the check of the finished file can see it. Run as the user runs it (`python -m triggermap`)."""
    data_dir, patient_id = record
    output = tmp_path / "exports" / f"record.{export_format}"
    output.parent.mkdir()
    output.write_bytes(EARLIER)
    done = subprocess.run(
        [
            *(sys.executable, "-m", "triggermap", "--data-dir", str(data_dir), "export"),
            *("--patient", patient_id, "--format", export_format, "-o", str(output)),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        preexec_fn=_limit_file_size,
        check=False,
    )
    assert_refused(done.stdout + done.stderr, done.returncode, output, EARLIER)


# -- seams: failing write, fsync and rename ------------------------------------------------------


def _names_a_partial_file(descriptor: int) -> bool:
    try:
        return os.readlink(f"/proc/self/fd/{descriptor}").endswith(".part")
    except OSError:
        return False


needs_proc = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="tells files apart by /proc/self/fd"
)


@needs_proc
@pytest.mark.parametrize("export_format", TEXT_FORMATS)
def test_write_error_midway_refuses(record, tmp_path, monkeypatch, export_format):
    """os.write writes half, then reports ENOSPC (a disk that fills up midway)."""
    data_dir, patient_id = record
    output = tmp_path / f"record.{export_format}"
    output.write_bytes(EARLIER)
    real_write = os.write

    def write(descriptor: int, data) -> int:
        if not _names_a_partial_file(descriptor):
            return real_write(descriptor, data)
        if len(data) > 1:
            return real_write(descriptor, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)
    result = export(data_dir, patient_id, export_format, output)
    assert_refused(result.output, result.exit_code, output, EARLIER)
    assert "no space left" in result.output.lower()


@needs_proc
@pytest.mark.parametrize("export_format", FORMATS)
def test_failing_fsync_refuses(record, tmp_path, monkeypatch, export_format, qapp):
    """The disk reports an I/O error when the finished file is synced: not written."""
    data_dir, patient_id = record
    output = tmp_path / f"record.{export_format}"
    output.write_bytes(EARLIER)
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        if _names_a_partial_file(descriptor):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    result = export(data_dir, patient_id, export_format, output)
    assert_refused(result.output, result.exit_code, output, EARLIER)
    assert "input/output error" in result.output.lower()


@pytest.mark.parametrize("export_format", FORMATS)
def test_failing_rename_refuses(record, tmp_path, monkeypatch, export_format, qapp):
    data_dir, patient_id = record
    output = tmp_path / f"record.{export_format}"
    output.write_bytes(EARLIER)
    real_replace = os.replace

    def replace(source, target) -> None:
        if str(source).endswith(".part"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    result = export(data_dir, patient_id, export_format, output)
    assert_refused(result.output, result.exit_code, output, EARLIER)


@pytest.mark.parametrize("export_format", FORMATS)
def test_output_folder_that_is_a_file_refuses(record, tmp_path, export_format, qapp):
    """-o under a regular file: no folder can be made there."""
    data_dir, patient_id = record
    (tmp_path / "a-file").write_bytes(EARLIER)
    output = tmp_path / "a-file" / f"record.{export_format}"
    result = export(data_dir, patient_id, export_format, output)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert (tmp_path / "a-file").read_bytes() == EARLIER
    assert leaked(result.output) == []


# -- seam: the composed PDF is cut or empty ------------------------------------------------------


@pytest.mark.parametrize("export_format", PDF_FORMATS)
@pytest.mark.parametrize("kept", [0.0, 0.5, 0.999], ids=["empty", "half", "tail-missing"])
def test_cut_pdf_is_refused(record, tmp_path, monkeypatch, export_format, kept, qapp):
    """The composed PDF ends early (as on a device that drops the tail): refused."""
    from triggermap.ui import patient_pdf

    data_dir, patient_id = record
    output = tmp_path / f"record.{export_format}"
    output.write_bytes(EARLIER)
    real_paint = patient_pdf._paint_pdf

    def paint_and_cut(temporary: Path, *args) -> None:
        real_paint(temporary, *args)
        size = temporary.stat().st_size
        os.truncate(temporary, int(size * kept))

    monkeypatch.setattr(patient_pdf, "_paint_pdf", paint_and_cut)
    result = export(data_dir, patient_id, export_format, output)
    assert_refused(result.output, result.exit_code, output, EARLIER)


# -- owner-only, synced ----------------------------------------------------------------------------


@pytest.fixture
def open_umask():
    """A umask of 0: any file made with the process's default mode is world-writable."""
    before = os.umask(0)
    yield
    os.umask(before)


@pytest.mark.parametrize("export_format", FORMATS)
def test_exports_are_owner_only_whatever_the_umask(
    record, tmp_path, open_umask, export_format, qapp
):
    data_dir, patient_id = record
    output = tmp_path / "new folder" / f"record.{export_format}"
    output.parent.mkdir()
    output.write_bytes(EARLIER)
    output.chmod(0o644)  # an earlier export, world-readable
    result = export(data_dir, patient_id, export_format, output)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert output.read_bytes() != EARLIER


def test_folders_made_for_an_export_are_owner_only(record, tmp_path, open_umask):
    data_dir, patient_id = record
    output = tmp_path / "made" / "for it" / "record.csv"
    result = export(data_dir, patient_id, "csv", output)
    assert result.exit_code == 0, result.output
    for folder in (tmp_path / "made", tmp_path / "made" / "for it"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize("export_format", PDF_FORMATS)
def test_pdf_made_anew_by_its_writer_is_still_owner_only(
    record, tmp_path, monkeypatch, open_umask, export_format, qapp
):
    """A writer that replaces its file (as one that writes beside it and renames would) gives
    it the umask's mode; the export still ends owner-only."""
    from triggermap.ui import patient_pdf

    data_dir, patient_id = record
    output = tmp_path / f"record.{export_format}"
    real_paint = patient_pdf._paint_pdf

    def paint_anew(temporary: Path, *args) -> None:
        real_paint(temporary, *args)
        content = temporary.read_bytes()
        temporary.unlink()
        temporary.write_bytes(content)  # 0666 under this umask

    monkeypatch.setattr(patient_pdf, "_paint_pdf", paint_anew)
    result = export(data_dir, patient_id, export_format, output)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600


@needs_proc
@pytest.mark.parametrize("export_format", ["pdf", "csv"])
def test_file_is_synced_before_the_rename_and_the_folder_after(
    record, tmp_path, monkeypatch, export_format, qapp
):
    data_dir, patient_id = record
    output = tmp_path / f"record.{export_format}"
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        target = os.readlink(f"/proc/self/fd/{descriptor}")
        if target.endswith(".part"):
            events.append(("sync", "file"))
        elif target == str(tmp_path):
            events.append(("sync", "folder"))
        real_fsync(descriptor)

    def replace(source, target) -> None:
        if str(source).endswith(".part"):
            events.append(("rename", Path(target).name))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    result = export(data_dir, patient_id, export_format, output)
    assert result.exit_code == 0, result.output
    assert events == [("sync", "file"), ("rename", output.name), ("sync", "folder")]


@needs_proc
def test_folder_sync_failing_after_the_rename_is_an_error(record, tmp_path, monkeypatch):
    """The new file is in place but the disk did not confirm it: say so, exit non-zero."""
    data_dir, patient_id = record
    output = tmp_path / "record.csv"
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        if os.readlink(f"/proc/self/fd/{descriptor}") == str(tmp_path):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    result = export(data_dir, patient_id, "csv", output)
    assert result.exit_code != 0
    assert "did not confirm it" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert partial_files(tmp_path) == []


# -- the shared writer itself ----------------------------------------------------------------------


def test_shared_writer_makes_a_file_made_anew_owner_only(tmp_path, open_umask):
    target = tmp_path / "out.txt"

    def produce_anew(temporary: Path) -> None:
        temporary.unlink()
        temporary.write_bytes(b"contents")  # 0666: the umask is 0

    write_private_file(target, produce_anew, lambda path: None)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == b"contents"


def test_shared_writer_refuses_what_its_check_refuses(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(EARLIER)
    with pytest.raises(OutputFailed, match="not written: it is wrong; any earlier file"):
        write_private_file(
            target, lambda temporary: temporary.write_bytes(b"x"), lambda path: "it is wrong"
        )
    assert target.read_bytes() == EARLIER
    assert partial_files(tmp_path) == []


def test_shared_writer_passes_other_errors_on_and_cleans_up(tmp_path):
    target = tmp_path / "out.txt"

    def produce(temporary: Path) -> None:
        temporary.write_bytes(b"half")
        raise LookupError("composing failed")

    with pytest.raises(LookupError):
        write_private_file(target, produce, lambda path: None)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_text_is_checked_against_what_was_meant(tmp_path, monkeypatch):
    """A file whose bytes differ from the text (a disk returning other data) is refused."""
    target = tmp_path / "out.csv"
    real_read = Path.read_bytes
    monkeypatch.setattr(
        Path,
        "read_bytes",
        lambda self: real_read(self)[:-1] if self.name.endswith(".part") else real_read(self),
    )
    with pytest.raises(OutputFailed, match="does not hold what was written"):
        write_private_text(target, "a,b\r\n1,2\r\n")
    assert not target.exists()


@pytest.mark.parametrize(
    ("content", "whole"),
    [
        (b"%PDF-1.4\n...\n%%EOF\n", True),
        (b"%PDF-1.4\n...\n%%EOF", True),
        (b"%PDF-1.4\n...\n%%EOF \r\n\n\t", True),
        (b"%PDF-1.4\n...\nstartxref\n1234\n", False),
        (b"%PDF-1.4\n...\n%%EO", False),
        (b"<html>%%EOF", False),
        (b"%%EOF", False),
    ],
)
def test_pdf_check(tmp_path, content, whole):
    path = tmp_path / "file.pdf"
    path.write_bytes(content)
    assert (pdf_problem(path) is None) is whole


def test_pdf_check_looks_only_at_the_tail(tmp_path):
    path = tmp_path / "file.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n" + b"x" * (safe_output.PDF_TAIL_BYTES + 10))
    assert pdf_problem(path) is not None
