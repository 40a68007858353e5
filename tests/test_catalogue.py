"""Catalogue sources → checks → points.db → domain values, on a small fixture catalogue."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from triggermap.catalogue.toml_sources import CatalogueSourceError, read_catalogue_sources
from triggermap.geometry.atlas import Atlas
from triggermap.services.catalogue_build import build_catalogue
from triggermap.services.catalogue_check import check_catalogue, coverage_stats
from triggermap.storage.catalogue_reader import CatalogueUnavailable, dump_catalogue, read_catalogue

from .conftest import FIXTURES


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(FIXTURES / "catalogue", folder)
    return folder


@pytest.fixture
def mini_atlas(mini_view) -> Atlas:
    return Atlas({"mini": mini_view})


def problems_of(folder: Path, atlas: Atlas) -> list[str]:
    catalogue, index = read_catalogue_sources(folder)
    return [str(p) for p in check_catalogue(catalogue, index, atlas)]


def test_fixture_catalogue_is_clean(sources: Path, mini_atlas: Atlas):
    assert problems_of(sources, mini_atlas) == []


def test_build_and_read_back(sources: Path, mini_atlas: Atlas, tmp_path: Path):
    target = tmp_path / "points.db"
    result = build_catalogue(sources, mini_atlas, target)
    assert result.written == target
    assert not result.problems
    catalogue = read_catalogue(target)
    original, _ = read_catalogue_sources(sources)
    assert catalogue == original
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        hits = connection.execute(
            "select name from muscles_fts where muscles_fts match ?", ("pecs",)
        ).fetchall()
        assert hits == [("Pectoralis major",)]
        heart = connection.execute(
            "select rowid from trigger_points_fts where trigger_points_fts match 'heart'"
        ).fetchall()
        assert len(heart) == 1
        zone_views = connection.execute(
            "select zone_id, view from zone_views order by zone_id"
        ).fetchall()
        assert ("flank", "mini") in zone_views


def test_build_is_deterministic(sources: Path, mini_atlas: Atlas, tmp_path: Path):
    build_catalogue(sources, mini_atlas, tmp_path / "a.db")
    build_catalogue(sources, mini_atlas, tmp_path / "b.db")
    assert dump_catalogue(tmp_path / "a.db") == dump_catalogue(tmp_path / "b.db")
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'essential = ["lateral_shoulder"]',
            'essential = ["elbow_of_doom"]',
            "unknown zone 'elbow_of_doom'",
        ),
        ('essential = ["lateral_shoulder"]', "essential = []", "no essential referral zone"),
        ("x = 135.0", "x = 5.0", "outside muscle.deltoid.right"),
        (
            'source = "test_source"\n\n[[deltoid',
            'source = "nowhere"\n\n[[deltoid',
            "unknown source 'nowhere'",
        ),
        (
            "depth_mm = [5, 10]",
            "depth_mm = [5, 14]",
            "exceeds its slim-build pneumothorax limit 12 mm",
        ),
        (
            "length_mm = 13, gauge_mm = 0.25 } ] }\n\n[pectoralis_minor]",
            "length_mm = 30, gauge_mm = 0.25 } ] }\n\n[pectoralis_minor]",
            "needle of 30 mm is longer than needed over the thorax; 13 mm reaches",
        ),
        (
            "limits = { slim = 12, average = 18, large = 20 }",
            "limits = { slim = 12, average = 18 }",
            "needs a depth limit for every build; none for large",
        ),
        (
            "limits = { slim = 12, average = 18, large = 20 }",
            "limits = { slim = 19, average = 18, large = 20 }",
            "the slim limit (19 mm) is above the average limit (18 mm)",
        ),
        (
            "limits_female = { slim = 12, average = 18, large = 20 }",
            "limits_female = { slim = 10, average = 18, large = 20 }",
            "the slim limit for any sex (12 mm) is above the female limit (10 mm)",
        ),
        (
            'limits_note = "test figures"',
            'limits_note = "test figures", limits_source = "unpublished"',
            "cites unknown source 'unpublished'",
        ),
        ('side = "left"', 'side = "front"', "side 'front' is not left, right or empty"),
    ],
)
def test_problems_name_the_file_and_line(
    sources: Path, mini_atlas: Atlas, old: str, new: str, expected: str
):
    path = sources / "muscles" / "test_region.toml"
    path.write_text(path.read_text().replace(old, new, 1))
    problems = problems_of(sources, mini_atlas)
    matching = [p for p in problems if expected in p]
    assert matching, problems
    assert matching[0].startswith(f"{path}:")
    line = int(matching[0].split(":")[1])
    assert line > 0


def test_an_organ_hazard_without_limits_is_refused(sources: Path, mini_atlas: Atlas):
    """Issue 13: every pneumothorax or organ hazard has a depth limit for every build."""
    path = sources / "muscles" / "test_region.toml"
    text = path.read_text()
    start = text.index("limits = { slim = 12, average = 15")
    end = text.index("technique", start)
    path.write_text(text[:start] + text[end:].replace('kind = "pneumothorax"', 'kind = "organ"', 1))
    problems = problems_of(sources, mini_atlas)
    assert any(
        "needs a depth limit for every build; none for slim, average, large" in p for p in problems
    )


def test_the_old_single_depth_figure_is_refused(sources: Path):
    path = sources / "muscles" / "test_region.toml"
    path.write_text(
        path.read_text().replace(
            "limits = { slim = 12, average = 15, large = 15 }", "max_depth_mm = 15", 1
        )
    )
    with pytest.raises(CatalogueSourceError, match=r"limits = \{ slim, average, large \}"):
        read_catalogue_sources(sources)


def test_limits_reach_the_built_database(sources: Path, mini_atlas: Atlas, tmp_path: Path):
    target = tmp_path / "points.db"
    build_catalogue(sources, mini_atlas, target)
    with sqlite3.connect(target) as connection:
        rows = connection.execute(
            "select h.muscle_id, h.side, h.max_depth_mm, l.build, l.sex, l.max_depth_mm"
            " from hazard_limits l join hazards h on h.id = l.hazard_id"
            " where h.muscle_id = 'pectoralis_major' order by l.sex, l.build"
        ).fetchall()
    assert ("pectoralis_major", "", 18.0, "slim", "female", 12.0) in rows
    assert ("pectoralis_major", "", 18.0, "average", "male", 20.0) in rows
    assert len(rows) == 9


def test_icd_code_form_is_checked(sources: Path, mini_atlas: Atlas):
    path = sources / "conditions.toml"
    path.write_text(path.read_text().replace("M25.519", "M25-519"))
    assert any("not an ICD-10-CM code" in p for p in problems_of(sources, mini_atlas))


def test_a_muscle_over_the_lung_needs_a_pneumothorax_hazard(sources: Path, mini_atlas: Atlas):
    path = sources / "muscles" / "test_region.toml"
    text = path.read_text()
    start = text.index("hazards = [", text.index("[pectoralis_major]"))
    path.write_text(text[:start] + text[text.index("\n", start) + 1 :])
    assert any("pectoralis_major lies over the lung" in p for p in problems_of(sources, mini_atlas))


def test_broken_toml_names_file_and_line_and_leaves_the_db_untouched(
    sources: Path, mini_atlas: Atlas, tmp_path: Path
):
    target = tmp_path / "points.db"
    build_catalogue(sources, mini_atlas, target)
    before = target.read_bytes()
    path = sources / "muscles" / "test_region.toml"
    lines = path.read_text().splitlines()
    lines[4] = 'region = "neck_and_shoulder'  # unterminated string on line 5
    path.write_text("\n".join(lines))
    with pytest.raises(CatalogueSourceError) as caught:
        build_catalogue(sources, mini_atlas, target)
    assert f"{path}:5" in str(caught.value)
    assert target.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".points-")]


def test_a_catalogue_with_problems_is_not_built(sources: Path, mini_atlas: Atlas, tmp_path: Path):
    path = sources / "conditions.toml"
    path.write_text(path.read_text().replace('"deltoid"', '"not_a_muscle"'))
    result = build_catalogue(sources, mini_atlas, tmp_path / "points.db")
    assert result.written is None
    assert result.problems
    assert not (tmp_path / "points.db").exists()


@pytest.mark.parametrize("damage", [b"", b"\0" * 4096, b"SQLite format 3\0" + b"\x13" * 5000])
def test_a_damaged_catalogue_gives_a_clear_message(tmp_path: Path, damage: bytes):
    path = tmp_path / "points.db"
    path.write_bytes(damage)
    with pytest.raises(CatalogueUnavailable, match="catalogue"):
        read_catalogue(path)


def test_stats_count_records(sources: Path):
    catalogue, _ = read_catalogue_sources(sources)
    counts = coverage_stats(catalogue).counts
    assert counts["muscles"] == 3
    assert counts["trigger points"] == 3
    assert counts["pneumothorax hazards"] == 2
    assert counts["conditions"] == 1


def test_points_to_avoid_must_exist(sources: Path, mini_atlas: Atlas):
    path = sources / "safety.toml"
    path.write_text(
        path.read_text().replace(
            'note = "Do not needle."',
            'note = "Do not needle."\navoid_muscles = ["deltoid", "nosuch"]\n'
            'avoid_points = ["deltoid.trp9"]\nscope = "limb"',
            1,
        )
    )
    problems = problems_of(sources, mini_atlas)
    assert any("avoid_muscles names unknown id 'nosuch'" in p for p in problems), problems
    assert any("avoid_points names unknown id 'deltoid.trp9'" in p for p in problems)
    assert any("scope 'limb' is not one of" in p for p in problems)
    assert not any("'deltoid'" in p for p in problems)
