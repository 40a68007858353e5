"""Packaging hook: ship the top-level assets/svg, assets/geometry, assets/icons and data/points.db inside
the package.

The repository keeps the body views and the built catalogue at the top level (the layout the
design card fixes); an installed program finds them at triggermap/_shipped/. A wheel built
without them would start and then fail on first use, so the build stops instead.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = [
    ("assets/svg", "*.svg"),
    ("assets/geometry", "*.json.gz"),
    ("assets/icons", "*.svg"),
    ("data", "points.db"),
]


class BuildWithShippedData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's own files (triggermap.resources)
        target_root = Path(self.build_lib) / "triggermap" / "_shipped"
        for folder, pattern in SHIPPED:
            files = sorted((ROOT / folder).glob(pattern))
            if not files:
                raise SystemExit(f"cannot build triggermap: no {folder}/{pattern} in {ROOT}")
            destination = target_root / folder
            destination.mkdir(parents=True, exist_ok=True)
            for file in files:
                shutil.copy2(file, destination / file.name)


setup(cmdclass={"build_py": BuildWithShippedData})
