"""Selecting a muscle shows its trigger points and details; choosing one paints its zones."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl

from triggermap.geometry.regions import RegionId
from triggermap.ui.main_window import MainWindow
from triggermap.ui.map_overlays import RANK_BADGE_PX

PEC_MAJOR_L = RegionId("muscle", "pectoralis_major", "left")
DELTOID_R = RegionId("muscle", "deltoid", "right")


@pytest.fixture
def window(qtbot, mini_context) -> MainWindow:
    shown = MainWindow(mini_context)
    qtbot.addWidget(shown)
    shown.resize(1200, 900)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_selection_shows_details_with_hazards_and_marks(window: MainWindow):
    window.map_view.select(PEC_MAJOR_L)
    text = window.details.toPlainText()
    assert "Pectoralis major (left side)" in text
    assert "Pneumothorax risk" in text
    assert "Referral maps vary between people" in text
    assert "A test reference, 2020." in text  # the source is cited
    marks = window.map_view.trigger_point_marks
    assert len(marks) == 1
    # catalogue coordinates are for the right side; the left mark is their mirror
    view = window._context.atlas.view("mini")
    assert (marks[0].x, marks[0].y) == pytest.approx(view.mirror_point(175.0, 150.0))
    assert view.region_at(marks[0].x, marks[0].y, ("superficial",)) == PEC_MAJOR_L


def test_choosing_a_trigger_point_paints_essential_and_spillover_zones(qtbot, window: MainWindow):
    window.map_view.select(DELTOID_R)
    view = window._context.atlas.view("mini")
    essential = view.inside_point(RegionId("zone", "lateral_shoulder", "right"))
    untouched = view.inside_point(RegionId("zone", "flank", "right"))
    image_before = window.map_view.viewport().grab().toImage()
    with qtbot.waitSignal(window.details.trigger_point_chosen):
        window.details.anchorClicked.emit(QUrl("trp:deltoid.trp1"))
    qtbot.wait(10)
    image_after = window.map_view.viewport().grab().toImage()
    point = window.map_view.mapFromScene(*essential)
    colour = image_after.pixelColor(point)
    assert colour.red() > colour.green() + 80, colour.name()
    assert colour.name() != image_before.pixelColor(point).name()
    other = window.map_view.mapFromScene(*untouched)
    assert image_after.pixelColor(other).name() == image_before.pixelColor(other).name()
    assert window.chosen_point == "deltoid.trp1"


def test_a_new_selection_clears_the_referral(window: MainWindow):
    window.map_view.select(DELTOID_R)
    window.choose_trigger_point("deltoid.trp1")
    window.map_view.select(PEC_MAJOR_L)
    assert window.chosen_point is None
    assert not window.map_view._essential_item.isVisible()


def test_search_finds_a_muscle_by_synonym_and_opens_it(qtbot, window: MainWindow):
    qtbot.keyClicks(window.search_field, "pecs")
    shown = window._search_results.stringList()
    assert any(s.startswith("Pectoralis major") for s in shown)
    window.open_search_result(next(s for s in shown if s.startswith("Pectoralis major")))
    assert window.map_view.selection == RegionId("muscle", "pectoralis_major", "right")


def test_search_opens_a_condition_and_its_muscles(qtbot, window: MainWindow):
    qtbot.keyClicks(window.search_field, "joint")  # a word of the shoulder pain description
    condition = next(
        s for s in window._search_results.stringList() if s.startswith("Shoulder pain")
    )
    window.open_search_result(condition)
    assert "Muscles commonly implicated" in window.details.toPlainText()
    with qtbot.waitSignal(window.details.muscle_chosen):
        window.details.anchorClicked.emit(QUrl("muscle:deltoid"))
    assert window.map_view.selection == RegionId("muscle", "deltoid", "right")


def test_nasty_search_text_never_raises(qtbot, window: MainWindow):
    for text in ('"', "NEAR(", "🦵" * 50, "x" * 10_000):
        window.search_field.clear()
        window.search_field.setText(text)
        window.update_search(text)
        window._open_first_result()


def test_pain_drawing_ranks_candidates_and_a_click_shows_the_pattern(qtbot, window: MainWindow):
    view = window._context.atlas.view("mini")
    window.pain_toggle.setChecked(True)
    x, y = view.inside_point(RegionId("zone", "lateral_shoulder", "left"))
    with qtbot.waitSignal(window.map_view.zone_clicked):
        qtbot.mouseClick(
            window.map_view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=window.map_view.mapFromScene(x, y),
        )
    assert window.pain_drawing == {RegionId("zone", "lateral_shoulder", "left"): 5.0}
    assert window.map_view.selection is None  # drawing pain does not select muscles
    first = window.candidates.item(0)
    assert first.text().startswith("1. Deltoid TrP1 (left)")
    window.candidates.itemClicked.emit(first)
    assert window.map_view.selection == RegionId("muscle", "deltoid", "left")
    assert window.chosen_point == "deltoid.trp1"
    # clicking the same zone again with the same intensity removes it
    qtbot.mouseClick(
        window.map_view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.map_view.mapFromScene(x, y),
    )
    assert window.pain_drawing == {}
    assert window.candidates.count() == 0


def test_a_condition_lights_up_its_muscles_ranked(qtbot, window: MainWindow):
    from shapely.geometry import Point

    view = window._context.atlas.view("mini")
    deltoid = RegionId("muscle", "deltoid", "left")
    # a point of the muscle clear of its badge (which sits on the muscle's label point)
    badge_room = RANK_BADGE_PX / window.map_view.transform().m11()
    label_point = Point(view.inside_point(deltoid)).buffer(badge_room)
    clear = view.region(deltoid).area.difference(label_point)
    x, y = clear.representative_point().coords[0]
    point = window.map_view.mapFromScene(x, y)
    before = window.map_view.viewport().grab().toImage().pixelColor(point)
    window.condition_choice.setCurrentIndex(window.condition_choice.findData("shoulder_pain"))
    qtbot.wait(10)
    after = window.map_view.viewport().grab().toImage().pixelColor(point)
    assert after.name() != before.name()
    assert after.green() > before.green()  # amber over the red muscle
    # deltoid first, pectoralis minor second, both sides
    assert [badge.rank for badge in window.map_view.rank_badges] == [1, 1, 2, 2]
    assert "Shoulder pain" in window.details.toPlainText()
    window.condition_choice.setCurrentIndex(0)
    assert window.map_view._ranked_items == []
    assert window.map_view.rank_badges == []


def test_settings_remember_view_layers_and_layout(qtbot, mini_context, tmp_path):
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = MainWindow(mini_context, settings)
    qtbot.addWidget(first)
    first.show()
    first.deep_toggle.setChecked(True)
    first.resize(760, 560)  # within the offscreen screen (800 × 600), which restoring clamps to
    size = (first.width(), first.height())
    first.close()
    second = MainWindow(
        mini_context, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(second)
    assert second.deep_toggle.isChecked()
    assert second.view_choice.currentData() == "mini"
    assert (second.width(), second.height()) == size


def test_arrow_keys_step_through_muscles_and_the_list_follows(qtbot, window: MainWindow):
    window.map_view.setFocus()
    seen = []
    for _ in range(4):  # the mini figure shows deltoid and pectoralis major on two sides
        qtbot.keyClick(window.map_view, Qt.Key.Key_Right)
        seen.append(window.map_view.selection)
        current = window.muscle_list.currentItem()
        assert current is not None
        assert current.data(0, Qt.ItemDataRole.UserRole) == window.map_view.selection
    assert len(set(seen)) == 4
    qtbot.keyClick(window.map_view, Qt.Key.Key_Right)
    assert window.map_view.selection == seen[0]  # wraps around
    qtbot.keyClick(window.map_view, Qt.Key.Key_Left)
    assert window.map_view.selection == seen[-1]


def test_choosing_in_the_muscle_list_selects_on_the_map(window: MainWindow):
    item = window._muscle_items[PEC_MAJOR_L]
    assert item.text(0) == "Pectoralis major, left side"
    window.muscle_list.setCurrentItem(item)
    assert window.map_view.selection == PEC_MAJOR_L
    assert "Pectoralis major (left side)" in window.details.toPlainText()
