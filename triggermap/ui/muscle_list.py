"""The muscle list: every muscle by body region and side, for keyboards and screen readers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from triggermap.geometry.regions import PAIRED_SIDES, RegionId

if TYPE_CHECKING:
    from triggermap.catalogue.model import Catalogue


class MuscleList(QTreeWidget):
    """A tree of body regions, each with its muscles on the patient's right and left.

    Activating an entry, or moving to it, sends `muscle_opened` with its RegionId (None for
    a body region's own row); `follow` moves to the selected muscle without sending it.
    """

    muscle_opened = Signal(object)  # RegionId | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setAccessibleName("Muscles by body region")
        #: each muscle's entry, by the muscle on one side
        self.items: dict[RegionId, QTreeWidgetItem] = {}
        self.itemActivated.connect(self._open)
        self.currentItemChanged.connect(lambda item, _old: self._open(item))

    def fill(self, catalogue: Catalogue) -> None:
        """List the catalogue's muscles under their body regions, in the catalogue's order of
        regions and by name within one."""
        from triggermap.catalogue.model import REGIONS

        by_region: dict[str, list] = {}
        for muscle in catalogue.muscles.values():
            by_region.setdefault(muscle.region, []).append(muscle)
        for region_name in REGIONS:
            muscles = sorted(by_region.get(region_name, []), key=lambda m: m.name)
            if not muscles:
                continue
            parent = QTreeWidgetItem([region_name.replace("_", " ").capitalize()])
            self.addTopLevelItem(parent)
            for muscle in muscles:
                for side in PAIRED_SIDES:
                    item = QTreeWidgetItem([f"{muscle.name}, {side} side"])
                    region = RegionId("muscle", muscle.id, side)
                    item.setData(0, Qt.ItemDataRole.UserRole, region)
                    parent.addChild(item)
                    self.items[region] = item

    def follow(self, region: RegionId | None) -> None:
        """Move to a muscle's entry (None, or a region not listed: to none), silently."""
        item = self.items.get(region) if region is not None else None
        self.blockSignals(True)
        if item is None:
            self.setCurrentItem(None)
        else:
            self.setCurrentItem(item)
            self.scrollToItem(item)
        self.blockSignals(False)

    def _open(self, item: QTreeWidgetItem | None) -> None:
        self.muscle_opened.emit(
            item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        )
