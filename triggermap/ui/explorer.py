"""The explorer in the main window: the selection and its trigger points' patterns, the muscle
list, search, conditions, and the pain drawing with the candidates it suggests."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from triggermap.geometry.regions import PAIRED_SIDES, RegionId
from triggermap.resources import COMBINED_VIEWS, VIEW_TITLES
from triggermap.services.explore import (
    referral_regions,
    trigger_point_marks,
    trigger_points_by_prevalence,
    views_for_point,
)
from triggermap.storage.errors import CatalogueUnavailable

if TYPE_CHECKING:
    from triggermap.storage.catalogue_search import SearchHit


class Explorer:
    """What the main window does as the user explores the atlas, mixed into MainWindow.

    A mixin rather than an object the window owns: each step reads and sets the window's
    own widgets and state (the map, details, muscle list, search field, condition choice,
    status bar, `chosen_point`, `shown_condition`), which the tests and the patient
    workspace use by those names.
    """

    # -- what is selected and shown ------------------------------------------------------------

    def describe(self, region: RegionId | None) -> str:
        """A region's name and the patient's side, in the clinic's words."""
        if region is None:
            return ""
        if region.kind == "muscle":
            muscle = self._context.catalogue.muscles.get(region.name)
            name = muscle.name if muscle else region.name.replace("_", " ")
        else:
            zone = self._context.catalogue.zones.get(region.name)
            name = zone.name if zone else region.name.replace("_", " ")
        side = "midline" if region.side == "midline" else f"{region.side} side"
        return f"{name} ({side})"

    def _selection_changed(self, region: RegionId | None) -> None:
        self.selection_label.setText(f"Selected: {self.describe(region)}" if region else "")
        self.chosen_point = None
        self.details.show_region(region)
        self.muscle_list.follow(region)
        self._show_selection_marks()
        self.map_view.show_referral(None, None)

    def _show_selection_marks(self) -> None:
        region = self.map_view.selection
        if region is None or region.kind != "muscle":
            self.map_view.show_trigger_points([])
            return
        marks = []
        for panel in self.map_view.panels:
            for mark in trigger_point_marks(self._context.catalogue, panel.body, region):
                marks.append(replace(mark, x=mark.x + panel.dx))
        # the chosen point apart from its siblings, each named (TrP1, TrP2 …)
        self.map_view.show_trigger_points(marks, self.chosen_point, labelled=True)

    def choose_trigger_point(self, point_id: str | None) -> None:
        """Show a trigger point's referral pattern, on the views that show the point and its
        pattern (switched to when the current ones do not; None clears it)."""
        self.chosen_point = point_id
        region = self.map_view.selection
        if point_id is None or region is None or region.kind != "muscle":
            self.map_view.show_referral(None, None)
            return
        self._look_at_point(point_id, region.side)
        self._show_selection_marks()  # its X ringed apart from its siblings
        if self.details.chosen_point != point_id:
            self.details.show_point(point_id)  # and its details in view
        # every open view: a pattern often crosses from the back to the front
        zones = referral_regions(self._context.catalogue, point_id, region.side)
        self.map_view.show_referral(
            self.map_view.scene_area(zones.essential), self.map_view.scene_area(zones.spillover)
        )

    def _look_at_point(self, point_id: str, side: str) -> None:
        """Switch to the map's choice of views that shows the point's X and its pattern,
        unless the views shown already show the X and as much of the pattern; say in the
        status bar where the rest of the pattern (or the X) is."""
        # not at import: the catalogue's module loads after the window's first paint
        from triggermap.catalogue.model import point_title

        catalogue, atlas = self._context.catalogue, self._context.atlas
        point = catalogue.trigger_point(point_id)
        choices = {
            name: COMBINED_VIEWS.get(name, (name,))
            for name in (self.view_choice.itemData(i) for i in range(self.view_choice.count()))
        }
        where = views_for_point(atlas, catalogue, point, side, list(choices.values()))
        shown = tuple(panel.body.name for panel in self.map_view.panels if panel.body)
        if shown != where.views and not self._as_good(shown, where, point, side):
            name = next(n for n, views in choices.items() if views == where.views)
            self.show_view(name)  # shows the chosen point again, on the new views
        notes = []
        if not where.shows_point:
            notes.append(f"its X is on the {VIEW_TITLES.get(point.view, point.view)} view")
        if where.elsewhere:
            titles = ", ".join(VIEW_TITLES.get(v, v) for v in where.elsewhere)
            notes.append(f"part of its pattern is on the {titles} view")
        label = point_title(catalogue, point)
        self.pattern_note.setText(f"{label}: {'; '.join(notes)}." if notes else "")

    def _as_good(self, shown: tuple[str, ...], where, point, side: str) -> bool:
        """Whether the views shown show the point (if the best choice does) and every zone of
        its pattern that the best choice shows."""
        if not shown or (where.shows_point and point.view not in shown):
            return False
        atlas = self._context.atlas
        zones = referral_regions(self._context.catalogue, point.id, side)
        every = (*zones.essential, *zones.spillover)

        def count(views: tuple[str, ...]) -> int:
            return sum(any(atlas.view(v).region(z) is not None for v in views) for z in every)

        return count(shown) >= count(where.views)

    def show_muscle(self, muscle_id: str, point_id: str = "") -> None:
        """Select a muscle (the patient's right side) and show a trigger point with its
        pattern (`point_id`, or the most common), on the views that show them."""
        region = RegionId("muscle", muscle_id, "right")
        if not self._context.atlas.views_showing(region):
            self.details.show_region(region)
            return
        self._reveal(region)
        self.map_view.select(region)
        if point_id:
            self.choose_trigger_point(point_id)  # the point whose symptom was searched
        else:
            self._choose_first_point(region)

    def _open_listed_muscle(self, region: RegionId | None) -> None:
        if region is None or region == self.map_view.selection:
            return
        self._reveal(region)
        self.map_view.select(region)
        self._choose_first_point(region)

    def _choose_first_point(self, region: RegionId) -> None:
        points = trigger_points_by_prevalence(self._context.catalogue, region.name)
        if points:
            self.choose_trigger_point(points[0].id)

    def _reveal(self, region: RegionId) -> None:
        """Switch to a view that shows the region, unless the current one does."""
        if any(panel.body.region(region) is not None for panel in self.map_view.panels):
            return
        views = self._context.atlas.views_showing(region)
        if views:
            self.show_view(views[0])

    # -- search --------------------------------------------------------------------------------

    def update_search(self, text: str) -> list[SearchHit]:
        """Refresh the completion list for typed text (any text is safe).

        A damaged search index is said in the status bar; the rest of the program works on.
        """
        try:
            hits = self._context.search.search(text)
        except CatalogueUnavailable as error:
            self.statusBar().showMessage(str(error))
            hits = []
        self._search_hits = {f"{hit.title} — {hit.detail}": hit for hit in hits}
        self._search_results.setStringList(list(self._search_hits))
        return hits

    def open_search_result(self, shown: str) -> None:
        """Open a completion: a muscle is shown on the map, a condition in the panel."""
        hit = self._search_hits.get(shown)
        if hit is None:
            return
        if hit.kind == "muscle":
            self.show_muscle(hit.ref_id, hit.point_id)
        else:
            self.condition_choice.setCurrentIndex(self.condition_choice.findData(hit.ref_id))

    def _open_first_result(self) -> None:
        typed = self.search_field.text()
        if typed in self._search_hits:
            # a completion chosen with the arrow keys: Enter opens that one, as a click does
            # (searched again as text, a symptom's line found another muscle first)
            self.open_search_result(typed)
            return
        hits = self.update_search(typed)
        if hits:
            self.open_search_result(f"{hits[0].title} — {hits[0].detail}")

    # -- conditions ----------------------------------------------------------------------------

    def show_condition(self, condition_id: str | None) -> None:
        """Light up the muscles commonly implicated in a condition, ranked, on both sides."""
        self.shown_condition = condition_id
        if condition_id:
            self.details.show_condition(condition_id)
        self._refresh_condition()

    def _refresh_condition(self) -> None:
        from shapely.affinity import translate

        condition = self._context.catalogue.conditions.get(self.shown_condition or "")
        ranked = []
        for rank, muscle_id in enumerate(condition.muscles if condition else (), start=1):
            for side in PAIRED_SIDES:
                for panel in self.map_view.panels:
                    region = panel.body.region(RegionId("muscle", muscle_id, side))
                    if region is not None:
                        x, y = panel.body.inside_point(region.region_id)
                        area = translate(region.area, xoff=panel.dx)
                        ranked.append((area, rank, (x + panel.dx, y)))
        self.map_view.show_ranked_muscles(ranked)

    # -- where does it hurt? -------------------------------------------------------------------

    def _drawing_toggled(self, drawing: bool) -> None:
        if drawing:
            # the map takes the keys, so that the Esc its banner offers stops drawing at once
            self.map_view.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def pain_drawing(self) -> dict[RegionId, float]:
        """The pain drawing: skin zone → intensity (0–10)."""
        return self.pain_panel.drawing

    def toggle_pain_zone(self, zone: RegionId) -> None:
        """Mark a zone with the chosen intensity, or unmark it if it already has it."""
        self.pain_panel.toggle_zone(zone)

    def paint_pain_zone(self, zone: RegionId) -> None:
        """Mark a zone the brush passed over with the chosen intensity (painting never erases)."""
        self.pain_panel.paint_zone(zone)

    def clear_pain_drawing(self) -> None:
        self.pain_panel.clear()

    def _show_pain_on_map(self) -> None:
        painted = [
            (area, intensity)
            for zone, intensity in self.pain_drawing.items()
            if not (area := self.map_view.scene_area([zone])).is_empty
        ]
        self.map_view.show_pain_drawing(painted)

    def open_candidate(self, point_id: str, side: str) -> None:
        """Show a candidate trigger point: its muscle selected, its pattern over the drawing."""
        point = self._context.catalogue.trigger_point(point_id)
        region = RegionId("muscle", point.muscle_id, side)  # type: ignore[arg-type]
        self._reveal(region)
        self.map_view.select(region)
        self.details.show_region(region, point_id)
        self.choose_trigger_point(point_id)
