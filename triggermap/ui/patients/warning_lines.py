"""The plan's safety warnings as one line each, with the detail to unfold: a banner of full
paragraphs pushed the plan off the screen (issue of the patient workspace)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from triggermap.catalogue.model import Catalogue, point_title
from triggermap.clinic.model import SafetyWarning
from triggermap.clinic.warning_kinds import warning_kind
from triggermap.ui.palette import ALERT_RED, CARE_AMBER

#: How much of a patient warning's message its one line shows (characters).
SHORT_MESSAGE_CHARACTERS = 90


@dataclass(frozen=True)
class WarningLine:
    """One warning as the banner shows it: its colour, the line, and the full detail."""

    colour: str
    line: str
    detail: str


def warning_lines(warnings: list[SafetyWarning], catalogue: Catalogue) -> list[WarningLine]:
    """The warnings in the banner's order (the patient's first), each as one line."""
    ordered = sorted(warnings, key=lambda w: not warning_kind(w.kind).about_patient)
    # two hazards of one kind at one needle (an artery and a nerve) share one line
    grouped: dict[str, list[WarningLine]] = {}
    for warning in ordered:
        line = _line(warning, catalogue)
        grouped.setdefault(line.line, []).append(line)
    lines = []
    for text, same in grouped.items():
        count = f" ({len(same)} hazards)" if len(same) > 1 else ""
        detail = "<br>&nbsp;&nbsp;&nbsp;".join(entry.detail for entry in same)
        lines.append(WarningLine(same[0].colour, text + count, detail))
    return lines


def _line(warning: SafetyWarning, catalogue: Catalogue) -> WarningLine:
    kind = warning_kind(warning.kind)
    title = kind.title
    message = warning.message
    # the safety rules start some messages with the title itself ("Precaution: …")
    if message.lower().startswith(title.lower() + ":"):
        message = message[len(title) + 1 :].lstrip()
    colour = ALERT_RED if kind.stops else CARE_AMBER
    if warning.trigger_point_id:
        where = point_title(catalogue, warning.trigger_point_id)
        side = f" ({warning.side})" if warning.side else ""
        limit = (
            f": <b>max {warning.max_depth_mm:g} mm</b>" if warning.max_depth_mm is not None else ""
        )
        line = f"<b>{escape(title)}</b> — {escape(where)}{escape(side)}{limit}"
    else:
        short = (
            message
            if len(message) <= SHORT_MESSAGE_CHARACTERS
            else (message[:SHORT_MESSAGE_CHARACTERS].rsplit(" ", 1)[0] + "…")
        )
        line = f"<b>{escape(title)}</b>: {escape(short)}"
    return WarningLine(colour, line, escape(message))


def banner_html(lines: list[WarningLine], *, expanded: bool) -> str:
    """The banner: a coloured line per warning, the detail under each when `expanded`, and
    the link that unfolds or folds it."""
    parts = []
    for entry in lines:
        parts.append(f"<span style='color:{entry.colour}'>⚠</span> {entry.line}")
        if expanded:
            parts.append(f"<span style='color:#444'>&nbsp;&nbsp;&nbsp;{entry.detail}</span>")
    toggle = "Hide details" if expanded else "Show details"
    parts.append(f"<a href='details'>{toggle}</a>")
    return "<br>".join(parts)
