"""Build the Debian package of the frozen program (`make package`).

    python packaging/build_deb.py FROZEN_DIR OUT_DIR

FROZEN_DIR is PyInstaller's one-folder program (dist/triggermap). The package installs it
under /opt/triggermap, puts `triggermap` on the PATH, and adds a desktop menu entry, icons at
the usual sizes and the MIME type of triggermap's JSON record exports. Its Depends line lists
the Debian packages that own the system libraries the frozen program links to (found with
ldd and dpkg -S), so it installs on a machine that has none of what we built with.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: Libraries Qt opens only when it draws on a real screen (X11 or Wayland); the frozen program
#: does not link to them, so ldd cannot find them. Needed for the window, not for the command
#: line or an offscreen render.
SCREEN_PACKAGES = (
    "libxcb-cursor0",
    "libxkbcommon-x11-0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libegl1",
    "libgl1",
    "libwayland-cursor0",
    "libwayland-egl1",
)
#: Libraries of those screen packages that a frozen Wayland plugin links to; they may be absent
#: on the build machine (no Wayland there), and only the Wayland window needs them.
SCREEN_LIBRARIES = {"libwayland-cursor.so.0", "libwayland-egl.so.1"}
ESSENTIAL = {"libc6", "libgcc-s1"}  # every Debian system has them; dpkg would accept them too


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    frozen, out = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    if not (frozen / "triggermap").is_file():
        print(f"no frozen program in {frozen}: run PyInstaller first", file=sys.stderr)
        return 1
    version = _version()
    architecture = _run("dpkg", "--print-architecture").strip()
    tree = out / "deb-tree"
    shutil.rmtree(tree, ignore_errors=True)
    _program(frozen, tree)
    _desktop_files(tree)
    depends = sorted(_library_packages(frozen) | ESSENTIAL)
    _control(tree, version, architecture, depends)
    package = out / f"triggermap_{version}_{architecture}.deb"
    subprocess.run(
        ["dpkg-deb", "--build", "--root-owner-group", "-Zgzip", str(tree), str(package)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(tree)
    print(f"wrote {package}")
    return 0


def _version() -> str:
    text = (ROOT / "triggermap" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if not found:
        raise SystemExit("triggermap/__init__.py has no __version__")
    return found.group(1)


def _program(frozen: Path, tree: Path) -> None:
    shutil.copytree(frozen, tree / "opt" / "triggermap", symlinks=True)
    bin_dir = tree / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "triggermap").symlink_to("/opt/triggermap/triggermap")


def _desktop_files(tree: Path) -> None:
    share = tree / "usr" / "share"
    _copy(HERE / "triggermap.desktop", share / "applications" / "triggermap.desktop")
    _copy(HERE / "triggermap-mime.xml", share / "mime" / "packages" / "triggermap.xml")
    icons = share / "icons" / "hicolor"
    icon = ROOT / "assets" / "icons" / "triggermap.svg"
    _copy(icon, icons / "scalable" / "apps" / "triggermap.svg")
    for size in ICON_SIZES:
        _render_icon(icon, icons / f"{size}x{size}" / "apps" / "triggermap.png", size)
    _copy(HERE / "copyright", share / "doc" / "triggermap" / "copyright")


def _render_icon(svg: Path, png: Path, size: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    png.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(png)):
        raise SystemExit(f"could not write {png}")


def _library_packages(frozen: Path) -> set[str]:
    """Debian packages owning the system libraries that the frozen files link to."""
    libraries: set[str] = set()
    missing: set[str] = set()
    # at run time the program's own folder comes first on the library path, so a library it
    # carries is never taken from the system
    carried = {p.name for p in frozen.rglob("*.so*")}
    for path in frozen.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        if not (path.suffix == ".so" or ".so." in path.name or path.name == "triggermap"):
            continue
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True)
        for line in result.stdout.splitlines():
            name = line.split("=>")[0].strip()
            found = re.search(r"=>\s+(/\S+)", line)
            if name in carried:
                continue
            if found and not found.group(1).startswith(str(frozen)):
                libraries.add(os.path.realpath(found.group(1)))
            elif "not found" in line:
                missing.add(name)
    if missing - SCREEN_LIBRARIES:
        raise SystemExit(
            f"the frozen program needs libraries this machine lacks: {sorted(missing)}"
        )
    packages: set[str] = set()
    for library in sorted(libraries):
        owner = subprocess.run(["dpkg", "-S", library], capture_output=True, text=True)
        if owner.returncode != 0:
            # /lib is a link to /usr/lib on current Debian; dpkg knows one of the two spellings
            other = library.replace("/usr/lib/", "/lib/", 1)
            owner = subprocess.run(["dpkg", "-S", other], capture_output=True, text=True)
        if owner.returncode == 0:
            packages.add(owner.stdout.split(":", 1)[0].strip())
    return packages


def _control(tree: Path, version: str, architecture: str, depends: list[str]) -> None:
    size_kib = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file() and not p.is_symlink())
    debian = tree / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(
        f"Package: triggermap\n"
        f"Version: {version}\n"
        f"Architecture: {architecture}\n"
        f"Maintainer: triggermap developers <triggermap@localhost>\n"
        f"Installed-Size: {size_kib // 1024}\n"
        f"Depends: {', '.join(depends)}\n"
        f"Recommends: {', '.join(SCREEN_PACKAGES)}\n"
        f"Section: science\n"
        f"Priority: optional\n"
        f"Description: interactive map of myofascial trigger points\n"
        f" Body views with clickable muscles, the referred-pain pattern of every trigger\n"
        f" point, needling depth limits by build, and a dry-needling plan and record for\n"
        f" each patient, kept on this computer.\n",
        encoding="utf-8",
    )
    # the menu, MIME and icon caches are refreshed by dpkg's own triggers on current Debian;
    # these calls cover systems whose packages do not declare them
    refresh = (
        "#!/bin/sh\nset -e\n"
        "command -v update-desktop-database >/dev/null && update-desktop-database -q || true\n"
        "command -v update-mime-database >/dev/null && update-mime-database /usr/share/mime || true\n"
        "command -v gtk-update-icon-cache >/dev/null && "
        "gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true\n"
    )
    for script in ("postinst", "postrm"):
        (debian / script).write_text(refresh, encoding="utf-8")
        (debian / script).chmod(0o755)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
