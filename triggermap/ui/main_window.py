"""The main window's make-up: the map, its toolbar, docks and menus, loading and saved layout.

What it does as the user explores is in `explorer`, the patient workspace in `patient_workspace`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCursor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QToolButton,
    QToolTip,
    QWidget,
)

from triggermap import resources
from triggermap.geometry.errors import AtlasError
from triggermap.resources import COMBINED_VIEWS, VIEW_MENU_ORDER
from triggermap.storage.errors import CatalogueUnavailable
from triggermap.ui.explorer import Explorer
from triggermap.ui.map_view import LAYERS, BodyMapView
from triggermap.ui.muscle_list import MuscleList
from triggermap.ui.pain_panel import PainDrawingPanel
from triggermap.ui.patient_workspace import PatientWorkspace

# What is needed only once the catalogue has loaded (its model, the details panel, patient
# records) is imported where it is used: the first paint waits for every module imported here.
if TYPE_CHECKING:
    from triggermap.services.context import AppContext
    from triggermap.storage.catalogue_search import SearchHit
    from triggermap.ui.patients.panel import PatientPanel

#: Starting width of the Muscles/Patient side, in pixels (the user can drag it wider).
MUSCLE_LIST_WIDTH = 280

#: Starting heights of the Details and "Where does it hurt?" docks, in pixels (the window
#: shares its height in this proportion; the user can drag the split).
DETAILS_TO_PAIN_HEIGHT = (540, 320)

#: What the map's corner says while a click paints skin zones rather than choosing points.
DRAWING_BANNER = "Drawing pain — click skin zones; Esc to stop"

#: The first window's size (px) where the screen has room for it.
FIRST_WINDOW_SIZE = (1100, 900)


def first_window_size(available: QSize) -> tuple[int, int]:
    """The first window's size: FIRST_WINDOW_SIZE, shrunk to fit the screen's free area (a
    900 px tall window ran off a 1366×768 screen)."""
    width, height = FIRST_WINDOW_SIZE
    return min(width, int(available.width() * 0.96)), min(height, int(available.height() * 0.94))


#: Views made of several body views side by side.

VIEW_TITLES = {**resources.VIEW_TITLES, "front_back": "Front and back"}


def view_names(context: AppContext) -> list[str]:
    """Views the program can show, from the SVG files alone (the geometry need not be loaded):
    the standard and combined views in the View menu's order, then any other view file."""
    available = sorted(path.stem for path in context.svg_dir.glob("*.svg"))
    combined = [n for n, parts in COMBINED_VIEWS.items() if all(p in available for p in parts)]
    shown = [n for n in VIEW_MENU_ORDER if n in available or n in combined]
    return [*shown, *[n for n in available if n not in shown]]


class _FirstPaint(QObject):
    """Calls back once, just after a widget has painted for the first time."""

    def __init__(self, widget: QWidget, callback) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            # after this paint event is handled, not inside it
            QTimer.singleShot(0, callback)
        return False


class MainWindow(Explorer, PatientWorkspace, QMainWindow):
    """Explore the atlas: choose a view, show the deep layer, point at a muscle.

    With `load_later`, the window first paints the body view's picture from its SVG file and
    loads the geometry and the catalogue just after that first paint (start-up takes half as
    long that way); `loaded` is emitted when everything works. Without it, everything is
    loaded before the constructor returns (tests, screenshots).
    """

    loaded = Signal()
    #: the atlas or catalogue could not be loaded: the message says which file and why
    load_failed = Signal(str)

    def __init__(
        self, context: AppContext, settings: QSettings | None = None, *, load_later: bool = False
    ) -> None:
        super().__init__()
        self._context = context
        self._settings = settings
        self._load_later = load_later
        self.is_loaded = False
        self.setWindowTitle("triggermap")
        self.map_view = BodyMapView(self)
        self.setCentralWidget(self.map_view)

        toolbar = QToolBar("Map", self)
        toolbar.setObjectName("map-toolbar")
        self.addToolBar(toolbar)
        self.view_choice = QComboBox(self)
        self.view_choice.setAccessibleName("Body view")
        for name in view_names(context):
            self.view_choice.addItem(VIEW_TITLES.get(name, name.title()), name)
        toolbar.addWidget(QLabel(" View: ", self))
        toolbar.addWidget(self.view_choice)
        self.deep_toggle = QCheckBox("Deep muscles", self)  # Ctrl+D is on the View menu
        toolbar.addWidget(self.deep_toggle)
        layers_button = QToolButton(self)
        layers_button.setText("Layers")
        layers_button.setAccessibleName("Layers shown on the map")
        layers_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        layers_menu = QMenu(layers_button)
        self.layer_actions: dict[str, QAction] = {}
        for layer, title in LAYERS.items():
            action = layers_menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(
                lambda shown, name=layer: self.map_view.set_layer_shown(name, shown)
            )
            self.layer_actions[layer] = action
        layers_button.setMenu(layers_menu)
        toolbar.addWidget(layers_button)
        self.fit_action = QAction("Fit to window", self)
        self.fit_action.setShortcut(QKeySequence("Ctrl+0"))
        self.fit_action.triggered.connect(self.map_view.fit)
        toolbar.addAction(self.fit_action)
        self.zoom_actions: list[QAction] = []
        for text, keys, factor in (
            ("Zoom in", QKeySequence.StandardKey.ZoomIn, 1.25),
            ("Zoom out", QKeySequence.StandardKey.ZoomOut, 0.8),
        ):
            action = QAction(text, self)
            action.setShortcut(keys)
            action.triggered.connect(lambda _=False, f=factor: self.map_view.zoom(f))
            toolbar.addAction(action)
            self.zoom_actions.append(action)

        self._details_dock = QDockWidget("Details", self)
        self._details_dock.setObjectName("details-dock")
        self._details_dock.setWidget(QLabel("Loading the catalogue…", self))
        self._details_dock.setMinimumWidth(360)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self._details_dock)
        self.chosen_point: str | None = None

        self.search_field = QLineEdit(self)
        self.search_field.setPlaceholderText("Search muscles, conditions, symptoms…")
        self.search_field.setAccessibleName("Search")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(280)
        self._search_results = QStringListModel(self)
        self._search_hits: dict[str, SearchHit] = {}
        completer = QCompleter(self._search_results, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search_field.setCompleter(completer)
        self.search_field.textEdited.connect(self.update_search)
        completer.activated.connect(self.open_search_result)
        self.search_field.returnPressed.connect(self._open_first_result)
        toolbar.addSeparator()
        toolbar.addWidget(self.search_field)
        self.condition_choice = QComboBox(self)
        self.condition_choice.setAccessibleName("Condition")
        self.condition_choice.addItem("Condition…", None)
        self.condition_choice.currentIndexChanged.connect(
            lambda _: self.show_condition(self.condition_choice.currentData())
        )
        toolbar.addWidget(self.condition_choice)
        self.shown_condition: str | None = None

        self._build_pain_dock()
        self._patient_dock = QDockWidget("Patient", self)
        self._patient_dock.setObjectName("patient-dock")
        self._patient_dock.setWidget(QLabel("Loading…", self))
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self._patient_dock)
        self.patient_panel: PatientPanel | None = None
        self._workspace_shown = False
        self._layout_before_workspace = None
        self._build_menus()
        self._build_muscle_list()

        self.hover_label = QLabel(self)
        self.statusBar().addWidget(self.hover_label)
        #: where the rest of the chosen point's pattern (or its X) is, when not on the map
        self.pattern_note = QLabel(self)
        self.pattern_note.setAccessibleName("Where the pattern is")
        self.statusBar().addWidget(self.pattern_note)
        self.selection_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.selection_label)

        self.view_choice.currentIndexChanged.connect(self._show_chosen_view)
        self.deep_toggle.toggled.connect(self.map_view.set_deep_visible)
        self.map_view.hovered.connect(self._region_hovered)
        self.map_view.trigger_point_hovered.connect(self._trigger_point_hovered)
        self.map_view.selected.connect(self._selection_changed)
        self.resize(*first_window_size(self.screen().availableGeometry().size()))
        # The details (anatomy, hazards, needling) get most of the right side; the pain
        # drawing's list of candidates needs less. Without this the pain panel's size hint
        # wins and the details shrink to a few lines while the catalogue loads.
        self.resizeDocks(
            [self._details_dock, self._pain_dock],
            list(DETAILS_TO_PAIN_HEIGHT),
            Qt.Orientation.Vertical,
        )
        self._default_layout = self.saveState()  # for View ▸ Reset window layout
        if settings is not None:
            # window layout and layers as the user left them
            geometry, state = settings.value("window/geometry"), settings.value("window/state")
            if geometry is not None:
                self.restoreGeometry(geometry)
            if state is not None:
                self.restoreState(state)
            self.deep_toggle.setChecked(str(settings.value("map/deep", "false")).lower() == "true")
            for layer, action in self.layer_actions.items():
                shown = str(settings.value(f"map/layers/{layer}", "true")).lower() == "true"
                action.setChecked(shown)
        last = settings.value("map/view", "anterior") if settings else "anterior"
        index = self.view_choice.findData(last)
        # shown once below, not also by the change signal (an SVG parse on the start-up path)
        self.view_choice.blockSignals(True)
        self.view_choice.setCurrentIndex(max(index, 0))
        self.view_choice.blockSignals(False)
        self._check_view_action()
        if load_later:
            self._show_chosen_view()  # the picture only, until the geometry is there
            _FirstPaint(self.map_view.viewport(), self.finish_loading)
        else:
            self.finish_loading()

    def finish_loading(self) -> None:
        """Load the geometry and the catalogue and fill everything that needs them.

        A damaged or missing file is reported in a message box (and by `load_failed`), and
        the window closes: nothing else can be done without the atlas and catalogue.
        """
        if self.is_loaded:
            return
        try:
            catalogue = self._context.catalogue
            self._context.atlas  # noqa: B018 - load now, so a damaged view is reported here
        except (AtlasError, CatalogueUnavailable) as error:
            self.load_failed.emit(str(error))
            if self.isVisible():
                QMessageBox.critical(self, "triggermap cannot open its atlas", str(error))
                self.close()
                return
            raise
        from triggermap.ui.muscle_details import MuscleDetailsPanel

        self.details = MuscleDetailsPanel(catalogue, self)
        self._details_dock.setWidget(self.details)
        self.details.trigger_point_chosen.connect(self.choose_trigger_point)
        self.details.muscle_chosen.connect(self.show_muscle)
        for condition in sorted(catalogue.conditions.values(), key=lambda c: c.name):
            self.condition_choice.addItem(condition.name, condition.id)
        self.muscle_list.fill(catalogue)
        if not self._load_later:
            self._open_patient_panel()
        self.is_loaded = True
        self._show_chosen_view()
        self.loaded.emit()
        if self._load_later:
            # the patient workspace (its modules alone take a fifth of a second) is built on
            # the next turn of the event loop: the map answers the mouse first
            QTimer.singleShot(0, self, self._open_patient_panel)

    def _region_hovered(self, region) -> None:
        self.hover_label.setText(self.describe(region))
        if self.map_view.pain_mode and region is not None:
            # while drawing, the pointer names the skin zone a click or stroke paints (a
            # stroke down the side view's thigh passed over the hanging hand unseen)
            QToolTip.showText(QCursor.pos(), self.describe(region), self.map_view)

    def show_view(self, name: str) -> None:
        """Switch the map to a named body view."""
        self.view_choice.setCurrentIndex(self.view_choice.findData(name))

    # -- docks: the muscle list (for keyboards and screen readers), where does it hurt? --------

    def _build_muscle_list(self) -> None:
        self.muscle_list = MuscleList(self)
        self._muscle_items = self.muscle_list.items
        dock = self.muscle_dock = QDockWidget("Muscles", self)
        dock.setObjectName("muscle-list-dock")
        dock.setWidget(self.muscle_list)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        # the patient's record shares the left side with the muscle list, one tab each
        self.tabifyDockWidget(dock, self._patient_dock)
        dock.raise_()
        # the patient tab would otherwise widen the side to its own size hint, at the map's cost
        self.resizeDocks([dock], [MUSCLE_LIST_WIDTH], Qt.Orientation.Horizontal)
        self.muscle_list.muscle_opened.connect(self._open_listed_muscle)

    def _build_pain_dock(self) -> None:
        self.pain_panel = PainDrawingPanel(self._context, self)
        # the panel's parts, by the names the rest of the window (and its tests) use
        self.pain_toggle = self.pain_panel.drawing_toggle
        self.pain_intensity = self.pain_panel.intensity
        self.candidates = self.pain_panel.candidates
        dock = self._pain_dock = QDockWidget("Where does it hurt?", self)
        dock.setObjectName("pain-dock")
        dock.setWidget(self.pain_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.pain_toggle.toggled.connect(self.map_view.set_pain_mode)
        self.pain_toggle.toggled.connect(self._drawing_toggled)
        self.map_view.set_drawing_banner(DRAWING_BANNER)
        self.map_view.stop_drawing_requested.connect(lambda: self.pain_toggle.setChecked(False))
        self.map_view.zone_clicked.connect(self.toggle_pain_zone)
        self.map_view.zone_painted.connect(self.paint_pain_zone)
        self.pain_panel.drawing_changed.connect(lambda _drawing: self._show_pain_on_map())
        self.pain_panel.candidate_opened.connect(self.open_candidate)

    # -- menus ---------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        self.edit_menu = self.menuBar().addMenu("&Edit")
        self._build_view_menu()
        self.study_action = QAction("&Study referral patterns…", self)
        self.study_action.setShortcut(QKeySequence("Ctrl+L"))
        self.study_action.triggered.connect(self.open_study_window)
        self.menuBar().addMenu("&Learn").addAction(self.study_action)
        self.study_window: QWidget | None = None

    def _build_view_menu(self) -> None:
        """The map toolbar's controls, also in the menu bar with their keys: a keyboard or
        screen-reader user reaches every one from the menus (Alt+V), and sees its key."""
        menu = self.view_menu = self.menuBar().addMenu("&View")
        self.view_actions: dict[str, QAction] = {}
        views = QActionGroup(self)  # one body view at a time
        for index in range(self.view_choice.count()):
            name = self.view_choice.itemData(index)
            action = menu.addAction(self.view_choice.itemText(index))
            action.setCheckable(True)
            if index < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, view=name: self.show_view(view))
            views.addAction(action)
            self.view_actions[name] = action
        self.view_choice.currentIndexChanged.connect(lambda _: self._check_view_action())
        menu.addSeparator()
        self.deep_action = menu.addAction("&Deep muscles")
        self.deep_action.setCheckable(True)
        self.deep_action.setShortcut(QKeySequence("Ctrl+D"))
        self.deep_action.toggled.connect(self.deep_toggle.setChecked)
        self.deep_toggle.toggled.connect(self.deep_action.setChecked)
        layers = menu.addMenu("&Layers")
        for action in self.layer_actions.values():
            layers.addAction(action)
        menu.addSeparator()
        for action in (self.fit_action, *self.zoom_actions):
            menu.addAction(action)
        reset = menu.addAction("&Reset window layout")
        reset.triggered.connect(self.reset_layout)
        menu.addSeparator()
        find = menu.addAction("&Find…")
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self._focus_search)

    def reset_layout(self) -> None:
        """Put every dock and the toolbar back where a first start puts them (a layout saved
        by an older version, or a dock closed by mistake, is undone this way)."""
        self._workspace_shown = False
        if self.patient_panel is not None and self.workspace_action.isChecked():
            self.workspace_action.setChecked(False)
        self.restoreState(self._default_layout)
        for dock in (self._details_dock, self._pain_dock, self._patient_dock):
            dock.setFloating(False)
            dock.show()
        self.muscle_dock.show()
        self.muscle_dock.raise_()

    def _check_view_action(self) -> None:
        action = self.view_actions.get(self.view_choice.currentData())
        if action is not None:
            action.setChecked(True)

    def _focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def open_study_window(self) -> QWidget:
        """Open (or raise) the learning mode's window."""
        from triggermap.ui.study.window import StudyWindow

        if self.study_window is None:
            self.study_window = StudyWindow(self._context, self)
            self.study_window.setWindowFlag(Qt.WindowType.Window)
        self.study_window.show()
        self.study_window.raise_()
        return self.study_window

    # -- the body view shown, and the window's life --------------------------------------------

    def _show_chosen_view(self) -> None:
        name = self.view_choice.currentData()
        if name is None:
            return
        names = COMBINED_VIEWS.get(name, (name,))
        if not self.is_loaded:
            self.map_view.show_pictures([(n, self._context.svg_dir / f"{n}.svg") for n in names])
            return
        self.map_view.show_body_views(
            [(self._context.atlas.view(n), self._context.svg_dir / f"{n}.svg") for n in names]
        )
        self.map_view.set_deep_visible(self.deep_toggle.isChecked())
        self._show_selection_marks()
        self.choose_trigger_point(self.chosen_point)
        self._show_pain_on_map()
        self._show_needles()
        self._refresh_condition()
        if self._settings is not None:
            self._settings.setValue("map/view", name)

    def closeEvent(self, event) -> None:
        if self.patient_panel is not None:
            self.patient_panel.close_database()  # saves text still being typed, then closes
        if self._settings is not None:
            self._settings.setValue("window/geometry", self.saveGeometry())
            # the explorer's layout is kept; the workspace is a mode, chosen again when needed
            state = self._layout_before_workspace if self._workspace_shown else None
            self._settings.setValue("window/state", state or self.saveState())
            self._settings.setValue("map/deep", self.deep_toggle.isChecked())
            for layer, action in self.layer_actions.items():
                self._settings.setValue(f"map/layers/{layer}", action.isChecked())
            self._settings.sync()
        super().closeEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.map_view.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.map_view.fit()
