"""The view follows what was chosen: a muscle found by search shows its most common trigger
point's X and pattern, switching views when the current one has neither; a point whose
pattern lies in another view is shown where the pattern is, and the status bar says where
the rest of it (or the X) is."""

from __future__ import annotations

import pytest

from triggermap.geometry.regions import RegionId
from triggermap.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, context) -> MainWindow:
    shown = MainWindow(context)
    qtbot.addWidget(shown)
    shown.resize(1366, 728)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def shown_views(window: MainWindow) -> tuple[str, ...]:
    return tuple(panel.body.name for panel in window.map_view.panels)


def referral_painted(window: MainWindow) -> bool:
    return (
        window.map_view._essential_item is not None and window.map_view._essential_item.isVisible()
    )


def test_upper_trapezius_found_from_the_front_view_shows_its_x_and_pattern(window):
    window.show_view("anterior")
    assert shown_views(window) == ("anterior",)
    window.search_field.setText("upper trapezius")
    window._open_first_result()
    assert window.map_view.selection == RegionId("muscle", "upper_trapezius", "right")
    assert window.chosen_point == "upper_trapezius.trp1"  # the most common point, chosen
    assert "posterior" in shown_views(window)  # where its X is
    marks = window.map_view.trigger_point_marks
    assert any(mark.point_id == "upper_trapezius.trp1" for mark in marks)
    assert referral_painted(window)


def test_infraspinatus_trp1_shows_the_front_of_the_shoulder_with_its_x(window):
    window.show_view("posterior")
    window.map_view.select(RegionId("muscle", "infraspinatus", "right"))
    window.choose_trigger_point("infraspinatus.trp1")
    # its X is on the back, its pain in the front of the shoulder: front and back together
    assert shown_views(window) == ("anterior", "posterior")
    assert window.chosen_point == "infraspinatus.trp1"
    assert referral_painted(window)


def test_a_view_that_already_shows_the_point_and_its_pattern_stays(window):
    window.show_view("posterior")
    window.map_view.select(RegionId("muscle", "infraspinatus", "right"))
    window.choose_trigger_point("infraspinatus.trp3")  # back of the shoulder: all on the back
    assert shown_views(window) == ("posterior",)


def test_a_pattern_away_from_its_x_is_shown_and_the_status_bar_says_where_the_x_is(window):
    window.show_view("head")
    window.map_view.select(RegionId("muscle", "anterior_scalene", "right"))
    window.choose_trigger_point("anterior_scalene.central")
    # the X is on the head and neck view; no figure with it shows any of the pain
    assert "head" not in shown_views(window)
    message = window.pattern_note.text()
    assert "its X is on the Head and neck view" in message
    assert referral_painted(window)


def test_a_symptom_result_opens_with_the_arrow_keys_and_enter(qtbot, window):
    from PySide6.QtCore import Qt

    window.search_field.setFocus()
    qtbot.keyClicks(window.search_field, "temple")  # a symptom word, not a muscle's name
    hits = window.update_search(window.search_field.text())
    symptom = next(i for i, hit in enumerate(hits) if hit.detail.startswith("symptom:"))
    popup = window.search_field.completer().popup()
    for _ in range(symptom + 1):
        qtbot.keyClick(popup if popup.isVisible() else window.search_field, Qt.Key.Key_Down)
    chosen = hits[symptom]
    window.search_field.setText(f"{chosen.title} — {chosen.detail}")  # what the arrows show
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert window.map_view.selection == RegionId("muscle", chosen.ref_id, "right")
    # the point whose symptom matched is the one shown, not the muscle's most common
    assert chosen.point_id
    assert window.chosen_point == chosen.point_id


def test_the_chosen_point_is_ringed_and_every_x_is_named(window):
    window.show_view("posterior")
    window.map_view.select(RegionId("muscle", "infraspinatus", "right"))
    overlays = window.map_view.overlays
    assert overlays.chosen_item.path().isEmpty()  # nothing chosen yet
    labels = sorted(item.text() for item in overlays.label_items)
    assert labels == ["TrP1", "TrP2", "TrP3", "central"]
    window.choose_trigger_point("infraspinatus.trp2")
    assert not overlays.chosen_item.path().isEmpty()
    chosen = [item for item in overlays.label_items if item.font().bold()]
    assert [item.text() for item in chosen] == ["TrP2"]
    mark = next(m for m in window.map_view.trigger_point_marks if m.point_id.endswith("trp2"))
    assert overlays.chosen_item.path().boundingRect().contains(mark.x, mark.y)


def test_the_details_scroll_to_the_chosen_point_and_stay_when_its_link_is_clicked(qtbot, window):
    from PySide6.QtCore import QUrl

    window.resize(1366, 600)
    window.show_view("posterior")
    window.map_view.select(RegionId("muscle", "infraspinatus", "right"))
    details = window.details
    bar = details.verticalScrollBar()
    assert bar.value() == 0
    window.choose_trigger_point("infraspinatus.trp3")  # chosen on the map: brought into view
    scrolled = bar.value()
    assert scrolled > 0
    details.anchorClicked.emit(QUrl("trp:infraspinatus.trp3"))  # its own link: stays there
    assert bar.value() == scrolled
    assert window.chosen_point == "infraspinatus.trp3"


def test_a_pattern_shows_on_a_faded_figure_with_its_legend(window):
    from triggermap.ui.map_view import PATTERN_FADE

    window.show_view("posterior")
    window.map_view.select(RegionId("muscle", "infraspinatus", "right"))
    muscles = window.map_view._layers["muscles.superficial"]
    assert all(item.opacity() == 1.0 for item in muscles)
    assert not window.map_view.pattern_legend.isVisible()
    window.choose_trigger_point("infraspinatus.trp3")
    assert all(item.opacity() == pytest.approx(PATTERN_FADE) for item in muscles)
    legend = window.map_view.pattern_legend
    assert legend.isVisible()
    assert "essential" in legend.text()
    assert "spillover" in legend.text()
    assert window.map_view.viewport().geometry().contains(legend.geometry())
    window.map_view.select(RegionId("muscle", "deltoid", "right"))  # a new selection clears it
    assert all(item.opacity() == 1.0 for item in muscles)
    assert not legend.isVisible()


def test_the_legend_stays_whole_on_a_narrow_map(window):
    window.show_view("posterior")
    window.map_view.select(RegionId("muscle", "infraspinatus", "right"))
    window.choose_trigger_point("infraspinatus.trp3")
    legend = window.map_view.pattern_legend
    viewport = window.map_view.viewport()
    viewport.resize(300, viewport.height())  # the map beside the workspace on a small screen
    legend.place()
    assert legend.isVisible()
    assert viewport.geometry().contains(legend.geometry())
    assert legend.height() > legend.fontMetrics().height() * 1.5  # wrapped, not cut


def test_a_patterns_outline_is_smooth_and_closes_the_cracks_between_zones():
    from shapely.geometry import box

    from triggermap.ui.map_overlays import smoothed

    two_parcels = box(0, 0, 100, 100).union(box(101, 0, 200, 100))  # a 1-unit crack
    smooth = smoothed(two_parcels)
    assert smooth.geom_type == "Polygon"  # one patch, no crack
    assert len(smooth.exterior.coords) > 8  # rounded corners, not a box's four
    assert smooth.area == pytest.approx(two_parcels.area, rel=0.03)


def test_while_drawing_the_pointer_names_the_skin_zone(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QToolTip

    shown = []
    monkeypatch.setattr(QToolTip, "showText", lambda where, text, widget=None: shown.append(text))
    window.show_view("lateral")
    zone = RegionId("zone", "lateral_thigh", "right")
    window.map_view.set_pain_mode(True)
    window._region_hovered(zone)
    assert shown == [window.describe(zone)]
    assert "right side" in shown[0]
    window.map_view.set_pain_mode(False)
    window._region_hovered(RegionId("muscle", "deltoid", "right"))
    assert len(shown) == 1  # exploring, the status bar names it; no tip follows the pointer


def test_the_study_maps_legend_names_no_ring_it_never_draws(qtbot):
    from triggermap.ui.study.maps import StudyMapView

    study = StudyMapView()
    qtbot.addWidget(study)
    assert "the one shown" not in study.pattern_legend.text()
    assert "spillover" in study.pattern_legend.text()
