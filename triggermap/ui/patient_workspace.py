"""The patient workspace in the main window: the patient's record beside the map, planning
needles from clicks on the map, the pain drawing into the open visit, and its needle marks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QScrollArea

from triggermap.geometry.placement import where_it_lands
from triggermap.geometry.regions import RegionId, parse_region_id
from triggermap.ui.map_overlays import NeedleMark

if TYPE_CHECKING:
    from triggermap.clinic.model import Visit

#: The patient workspace's share of the window's width, and the least it takes (px): room
#: for the visit editor's plan table and warning lines without a sideways scroll.
WORKSPACE_SHARE = 0.45
WORKSPACE_MIN_WIDTH = 560


class PatientWorkspace:
    """The main window's patient record and how it meets the map, mixed into MainWindow.

    A mixin rather than an object the window owns: it lays out the window's own docks, adds
    to its menus, and joins the map, the pain drawing, the details and the explorer's
    choice of trigger point to the open visit; the tests and other screens reach its parts
    as the window's (`patient_panel`, `patient_menu`, `workspace_action`).
    """

    def _open_patient_panel(self) -> None:
        from triggermap.ui.patients.panel import PatientPanel

        self.patient_panel = PatientPanel(self._context, self)
        # the dock may sit behind the Muscles tab: the records open when its tab is seen,
        # not while Qt only lays out a hidden tab at start-up
        self.patient_panel.open_when_shown = False
        self._patient_dock.visibilityChanged.connect(
            lambda seen: seen and self.patient_panel.open_records_now()
        )
        # meanwhile the file's integrity check runs on another thread, ready for that open
        self.patient_panel.access.check_ahead()
        # scrolls rather than widening the window: a narrow dock still shows the whole record
        scroller = QScrollArea(self)
        scroller.setWidgetResizable(True)
        scroller.setWidget(self.patient_panel)
        self._patient_dock.setWidget(scroller)
        self.edit_menu.addAction(self.patient_panel.editing.undo_action)
        self.edit_menu.addAction(self.patient_panel.editing.redo_action)
        from triggermap.ui.patients.patient_menu import PatientMenu

        self.patient_menu = PatientMenu(self.patient_panel, self)
        self.workspace_action = QAction("Patient &workspace", self)
        self.workspace_action.setCheckable(True)
        self.workspace_action.setShortcut(QKeySequence("Ctrl+Shift+W"))
        self.workspace_action.toggled.connect(self.show_patient_workspace)
        self.patient_menu.insertAction(self.patient_menu.actions()[0], self.workspace_action)
        self.patient_menu.insertSeparator(self.patient_menu.actions()[1])
        # finding or starting a patient opens the room to chart them in
        for action in (self.patient_menu.new_action, self.patient_menu.find_action):
            action.triggered.connect(lambda _=False: self.workspace_action.setChecked(True))
        self.menuBar().insertMenu(self.view_menu.menuAction(), self.patient_menu)
        self.patient_panel.visit_changed.connect(self._show_visit)
        self.map_view.trigger_point_clicked.connect(self._trigger_point_clicked)
        self.pain_panel.drawing_changed.connect(self._drawing_to_visit)
        self._stroke_drawing: dict[RegionId, float] | None = None
        self.map_view.stroke_finished.connect(self._stroke_to_visit)
        self.pain_panel.add_to_plan.connect(self.add_to_plan)

    def show_patient_workspace(self, shown: bool = True) -> None:
        """The patient workspace: the patient and visit editor takes the left of the window
        at full height and width enough to chart (WORKSPACE_SHARE of it, at least
        WORKSPACE_MIN_WIDTH px), beside the map and the pain drawing; the muscle list and
        the details make room. Off, the explorer's layout comes back as it was."""
        if shown == self._workspace_shown:
            return
        if shown:
            self._layout_before_workspace = self.saveState()
            self._details_dock.hide()
            self.muscle_dock.hide()
            self._patient_dock.show()
            self._patient_dock.raise_()
            width = max(WORKSPACE_MIN_WIDTH, int(self.width() * WORKSPACE_SHARE))
            self.resizeDocks([self._patient_dock], [width], Qt.Orientation.Horizontal)
        elif self._layout_before_workspace is not None:
            self.restoreState(self._layout_before_workspace)
        self._workspace_shown = shown
        if self.workspace_action.isChecked() != shown:
            self.workspace_action.setChecked(shown)

    def _planning(self) -> bool:
        visit = self.patient_panel.current_visit if self.patient_panel else None
        return visit is not None and not visit.finalised

    def add_to_plan(self, point_id: str, side: str) -> bool:
        """Add a trigger point on a side to the open visit's plan (safety checks included)."""
        if not self._planning():
            return False
        return bool(self.patient_panel.editing.add_trigger_point(point_id, side))

    def _trigger_point_clicked(self, mark) -> None:
        # with a plan open a click on an X plans a needle there; otherwise it shows the pattern.
        # Never while drawing pain: a click then paints, and only paints (the map sends no
        # such click; this keeps it so whoever sends one)
        if self.map_view.pain_mode:
            return
        if self._planning():
            self.add_to_plan(mark.point_id, mark.side)
        else:
            self.details.show_region(self.map_view.selection, mark.point_id)
            self.choose_trigger_point(mark.point_id)

    def _trigger_point_hovered(self, mark) -> None:
        """Name the X under the pointer (and, with a visit open, the patient's depth limit
        there) in the status bar and the map's tooltip; off the X, the region again."""
        if mark is None:
            self.map_view.set_trigger_point_tip("")
            self.hover_label.setText(self.describe(self.map_view.hovered_region))
            return
        from triggermap.ui.point_tips import trigger_point_tip

        panel = self.patient_panel
        visit_open = panel is not None and panel.current_visit is not None
        patient = panel.current_patient if visit_open else None
        lines = trigger_point_tip(self._context.catalogue, mark.point_id, mark.side, patient)
        self.map_view.set_trigger_point_tip("\n".join(lines))
        self.hover_label.setText(" — ".join(lines))

    def _drawing_to_visit(self, drawing: dict[RegionId, float]) -> None:
        """The pain drawing into the open visit: at once for a click, once at the end of a
        brush stroke (one stroke is one save and one undo step, not one per zone)."""
        if not self._planning():
            return
        if self.map_view.painting_stroke:
            self._stroke_drawing = dict(drawing)
            return
        self._stroke_drawing = None
        from triggermap.clinic.model import PainMark

        marks = tuple(
            PainMark(str(zone), round(intensity))
            for zone, intensity in sorted(drawing.items(), key=lambda item: str(item[0]))
        )
        self.patient_panel.editing.set_pain_drawing(marks)

    def _stroke_to_visit(self) -> None:
        if self._stroke_drawing is not None:
            self._drawing_to_visit(self._stroke_drawing)

    def _show_visit(self, visit: Visit | None) -> None:
        """Show the open visit on the map: its pain drawing and numbered needle marks."""
        self.pain_panel.set_planning(visit is not None and not visit.finalised)
        drawing = {}
        for mark in visit.pain_drawing if visit is not None else ():
            try:
                drawing[parse_region_id(mark.region_id)] = float(mark.intensity)
            except ValueError:
                continue  # a zone this version of the atlas no longer knows
        self.pain_panel.set_drawing(drawing)
        self._show_pain_on_map()
        self._show_needles()

    def _show_needles(self) -> None:
        visit = self.patient_panel.current_visit if self.patient_panel else None
        marks = []
        catalogue = self._context.catalogue
        for needle in visit.needles if visit is not None else ():
            try:
                point = catalogue.trigger_point(needle.trigger_point_id)
            except KeyError:
                continue
            for panel in self.map_view.panels:
                if panel.body is None or panel.body.name != point.view:
                    continue
                muscle = RegionId("muscle", point.muscle_id, needle.side)
                # the map draws each view once, as it is: lateral shows the right side only
                landing = where_it_lands(
                    panel.body, muscle, point.x, point.y, reflected_panels=False
                )
                if landing is None:
                    continue
                marks.append(NeedleMark(needle.number, landing.x + panel.dx, landing.y))
        self.map_view.show_needle_marks(marks)
