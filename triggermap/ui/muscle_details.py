"""The detail panel: anatomy, trigger points, needling, hazards, conditions and sources."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser

from triggermap.catalogue.model import Catalogue, Hazard, TriggerPoint
from triggermap.clinic.safety import limits_in_words
from triggermap.geometry.regions import RegionId
from triggermap.services.explore import conditions_of_muscle, trigger_points_by_prevalence
from triggermap.ui.palette import ALERT_INK, ALERT_RED, ALERT_TINT, CARE_TINT, MARK_INK

PREVALENCE_WORDS = {
    "very_common": "very common",
    "common": "common",
    "occasional": "occasional",
    "rare": "rare",
}
HAZARD_TITLES = {
    "pneumothorax": "Pneumothorax risk",
    "neurovascular": "Nerves and vessels",
    "organ": "Organ nearby",
    "other": "Take care",
}


def muscle_details_html(catalogue: Catalogue, region: RegionId, chosen: str | None = None) -> str:
    """The panel's HTML for a selected muscle (and, if given, the chosen trigger point id)."""
    muscle = catalogue.muscles.get(region.name)
    if muscle is None:
        return f"<p>No catalogue entry for {escape(region.name)}.</p>"
    side = f"{region.side} side"
    cited: list[str] = []

    def cite(source_id: str) -> str:
        if source_id and source_id not in cited:
            cited.append(source_id)
        return f"<sup>[{cited.index(source_id) + 1}]</sup>" if source_id else ""

    parts = [
        f"<h2>{escape(muscle.name)} <small>({escape(side)})</small></h2>",
        f"<p><i>{escape(muscle.latin_name)}</i>"
        + (f"; also called {escape(', '.join(muscle.synonyms))}" if muscle.synonyms else "")
        + "</p>",
        _hazard_boxes(muscle.hazards, cite),
        "<h3>Anatomy</h3><table>",
        *(
            f"<tr><td><b>{label}</b></td><td>{escape(text)}</td></tr>"
            for label, text in (
                ("Origin", muscle.origin),
                ("Insertion", muscle.insertion),
                ("Action", muscle.action),
                ("Innervation", muscle.innervation),
            )
        ),
        f"</table><p>{cite(muscle.source)}</p>",
        "<h3>Trigger points</h3><p>Most often found first. Choose one to show its referral "
        "pattern: essential zone solid red, spillover stippled.</p>",
    ]
    for point in trigger_points_by_prevalence(catalogue, muscle.id):
        parts.append(_trigger_point_html(catalogue, point, point.id == chosen, cite))
    conditions = conditions_of_muscle(catalogue, muscle.id)
    if conditions:
        parts.append("<h3>Linked conditions</h3><ul>")
        parts.extend(
            f"<li>{escape(c.name)} <small>(ICD-10-CM {escape(c.codes_text)})</small>{cite(c.source)}</li>"
            for c in conditions
        )
        parts.append("</ul>")
    for caveat_id in ("referral_variation", "diagnosis_by_examination"):
        caveat = catalogue.caveats.get(caveat_id)
        if caveat:
            parts.append(f"<p><i>{escape(caveat.text)}</i>{cite(caveat.source)}</p>")
    parts.append("<h3>Sources</h3><ol>")
    for source_id in cited:
        source = catalogue.sources.get(source_id)
        parts.append(f"<li>{escape(source.citation if source else source_id)}</li>")
    parts.append("</ol>")
    return "\n".join(parts)


def _trigger_point_html(catalogue: Catalogue, point: TriggerPoint, chosen: bool, cite) -> str:
    zone_names = catalogue.zones
    essential = ", ".join(zone_names[z].name if z in zone_names else z for z in point.essential)
    spillover = ", ".join(zone_names[z].name if z in zone_names else z for z in point.spillover)
    title = f"{escape(point.label)} — {PREVALENCE_WORDS[point.prevalence]}"
    link = f'<a href="trp:{escape(point.id)}">{title}</a>'
    html = [
        # a light highlight needs dark text, also when the system theme is dark
        f'<div style="margin-left:4px;{f"background:{CARE_TINT}; color:{MARK_INK};" if chosen else ""}">',
        f'<h4><a name="{point_anchor(point.id)}"></a>{link}</h4>',
        f"<p>{escape(point.location)}{cite(point.source)}</p>",
        f"<p><b>Refers to:</b> {escape(essential)}"
        + (f"; <b>sometimes</b> {escape(spillover)}" if spillover else "")
        + "</p>",
    ]
    if point.symptoms:
        html.append(f"<p><b>Symptoms:</b> {escape('; '.join(point.symptoms))}</p>")
    if point.perpetuating_factors:
        html.append(
            f"<p><b>Perpetuating factors:</b> {escape('; '.join(point.perpetuating_factors))}</p>"
        )
    if point.needling:
        needling = point.needling
        needles = ", ".join(
            f"{n.build}: {n.length_mm:g} mm × {n.gauge_mm:g} mm" for n in needling.needles
        )
        html.append(
            f"<p><b>Needling:</b> {escape(needling.position)}; {escape(needling.approach)}; "
            f"{escape(needling.palpation)} palpation; depth {needling.depth_min_mm:g}–"
            f"{needling.depth_max_mm:g} mm. Needle ({escape(needles)}){cite(needling.source)}</p>"
        )
    if point.not_needled:
        html.append(f"<p><b>Not needled:</b> {escape(_sentence(point.not_needled))}</p>")
    html.append(_hazard_boxes(point.hazards, cite))
    html.append("</div>")
    return "\n".join(html)


def _sentence(text: str) -> str:
    """Catalogue text as a sentence: capital first letter, closing full stop."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _clause_text(text: str) -> str:
    """Catalogue text after a colon: no closing full stop."""
    return text.strip().rstrip(".")


def _hazard_boxes(hazards: tuple[Hazard, ...], cite) -> str:
    """Each hazard in a red box: what is at risk, the depth limit, the technique, the detail."""
    boxes = []
    for hazard in hazards:
        lines = [
            f'<b style="color:{ALERT_RED}">⚠ {HAZARD_TITLES.get(hazard.kind, "Take care")}: '
            f"{escape(_sentence(hazard.structure))}</b>"
        ]
        if hazard.side:
            lines.append(f"<b>{hazard.side.capitalize()} side only.</b>")
        if hazard.limits:
            lines.append(
                f"<b>Maximum depth</b> {escape(limits_in_words(hazard))}"
                f"{cite(hazard.limits[0].source)}"
            )
            if hazard.limits_note:
                lines.append(f"<i>{escape(_sentence(hazard.limits_note))}</i>")
        elif hazard.kind in ("pneumothorax", "neurovascular", "organ"):
            # said outright, as the plan's warning says it: no figure is missing by accident
            why = hazard.limits_note or "it is avoided by direction, not by depth"
            lines.append(f"<b>No depth limit:</b> {escape(_clause_text(why))}.")
        if hazard.technique:
            lines.append(f"<b>Technique:</b> {escape(_sentence(hazard.technique))}")
        if hazard.note:
            lines.append(escape(_sentence(hazard.note)))
        lines[-1] += cite(hazard.source)
        boxes.append(
            f'<table width="100%" cellpadding="6" style="border:2px solid {ALERT_RED}; '
            f'background:{ALERT_TINT}; margin:4px 0"><tr><td style="color:{ALERT_INK}">'
            + "<br>".join(lines)
            + "</td></tr></table>"
        )
    return "\n".join(boxes)


def condition_details_html(catalogue: Catalogue, condition_id: str) -> str:
    """The panel's HTML for a condition: code, plain description and implicated muscles."""
    condition = catalogue.conditions.get(condition_id)
    if condition is None:
        return f"<p>No catalogue entry for {escape(condition_id)}.</p>"
    source = catalogue.sources.get(condition.source)
    muscles = "".join(
        f'<li><a href="muscle:{escape(m)}">{escape(catalogue.muscles[m].name if m in catalogue.muscles else m)}</a></li>'
        for m in condition.muscles
    )
    return (
        f"<h2>{escape(condition.name)}</h2><p>ICD-10-CM {escape(condition.codes_text)}"
        + (f"; also called {escape(', '.join(condition.synonyms))}" if condition.synonyms else "")
        + f"</p><p>{escape(condition.description)}</p>"
        "<h3>Muscles commonly implicated</h3><p>Most often first; choose one to see it on the map.</p>"
        f"<ol>{muscles}</ol>"
        + (f"<p><small>Source: {escape(source.citation)}</small></p>" if source else "")
    )


def point_anchor(point_id: str) -> str:
    """The name of a trigger point's place in the details text."""
    return f"point-{point_id}"


class MuscleDetailsPanel(QTextBrowser):
    """Shows the selected muscle or a condition; clicking a trigger point or muscle announces it."""

    trigger_point_chosen = Signal(str)
    muscle_chosen = Signal(str)

    def __init__(self, catalogue: Catalogue, parent=None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._region: RegionId | None = None
        self.chosen_point: str | None = None
        self.setOpenLinks(False)
        self.setAccessibleName("Muscle details")
        self.anchorClicked.connect(self._follow)
        self.show_region(None)

    def show_region(self, region: RegionId | None, chosen: str | None = None) -> None:
        """Show a muscle (a zone or nothing shows a short hint), `chosen` trigger point marked."""
        self._region = region
        #: the trigger point marked as chosen in the text (None: none)
        self.chosen_point = chosen
        if region is None or region.kind != "muscle":
            self.setHtml("<p>Click a muscle on the map to see its trigger points.</p>")
            return
        self.setHtml(muscle_details_html(self._catalogue, region, chosen))

    def show_condition(self, condition_id: str) -> None:
        """Show a condition and the muscles commonly implicated in it."""
        self._region = None
        self.chosen_point = None
        self.setHtml(condition_details_html(self._catalogue, condition_id))

    def show_point(self, point_id: str) -> None:
        """Mark a trigger point of the muscle shown as chosen and scroll to it (chosen on
        the map, its details come into view)."""
        if self._region is not None:
            self.show_region(self._region, point_id)
            self.scrollToAnchor(point_anchor(point_id))

    def _follow(self, url: QUrl) -> None:
        if url.scheme() == "muscle":
            self.muscle_chosen.emit(url.path())
        elif url.scheme() == "trp":
            point_id = url.path()
            # the text is written again with the point marked: it stays where it was read
            # (it jumped back to the top, away from the link just clicked)
            scrolled = self.verticalScrollBar().value()
            self.show_region(self._region, point_id)
            self.verticalScrollBar().setValue(scrolled)
            self.trigger_point_chosen.emit(point_id)
