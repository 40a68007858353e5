"""Plain-language text for patients about dry needling, aftercare and when to get urgent help.

Written in our own words at about a grade-8 reading level (short sentences, everyday words),
for the patient handout and the on-screen explain mode. Each section names the catalogue
sources (ids in data/catalogue/sources.toml) that its facts rest on; rates of side effects
follow the adverse-event records in data/catalogue/safety.toml.
"""

from __future__ import annotations

from dataclasses import dataclass

from triggermap.catalogue.model import SourceId


@dataclass(frozen=True)
class PrimerSection:
    """A titled piece of patient text: paragraphs, then list items, and the sources behind it."""

    title: str
    paragraphs: tuple[str, ...]
    sources: tuple[SourceId, ...]
    bullets: tuple[str, ...] = ()

    def sentences_text(self) -> str:
        """All the section's text as one string (for reading-level checks and search)."""
        return " ".join((*self.paragraphs, *self.bullets))


WHAT_IS_DRY_NEEDLING = PrimerSection(
    title="What is dry needling?",
    paragraphs=(
        "A trigger point is a small, tight and tender spot in a muscle. It can hurt where it "
        "is, and it can also send pain to another place. This is called referred pain. For "
        "example, a tight spot in the top of the shoulder can cause a headache at the temple.",
        "In dry needling, your therapist puts a very thin, solid needle through the skin into "
        "the tight spot. No medicine is injected. That is why it is called “dry”. The aim is to "
        "relax the muscle and ease the pain. Each needle is clean, used once and thrown away.",
    ),
    sources=(SourceId("apta_2013"), SourceId("dommerholt_2019"), SourceId("fernandez_2018")),
)

DIFFERENCE_FROM_ACUPUNCTURE = PrimerSection(
    title="How is it different from acupuncture?",
    paragraphs=(
        "The needles look the same, but the ideas behind them are different. Acupuncture comes "
        "from traditional Chinese medicine. It uses set points along lines called meridians. "
        "Dry needling is based on modern study of muscles and nerves. Your therapist finds the "
        "tight spots by feeling your muscles. Then they needle those spots.",
    ),
    sources=(SourceId("apta_2013"), SourceId("dommerholt_2019")),
)

WHAT_YOU_MAY_FEEL = PrimerSection(
    title="What you may feel",
    paragraphs=(
        "You may feel a quick twitch or jump in the muscle. This is normal and often means "
        "the needle found the right spot. You may also feel a dull ache, a cramp, or the "
        "pain you know from your problem. These feelings pass quickly.",
        "Tell your therapist at once if you feel a sharp, burning or electric pain, tingling, "
        "or if you feel faint. They will stop or change what they are doing.",
    ),
    sources=(SourceId("dommerholt_2019"), SourceId("brady_2014")),
)

COMMON_SIDE_EFFECTS = PrimerSection(
    title="Common side effects",
    paragraphs=(
        "Most side effects are mild and go away on their own. About 1 in 5 treatments is "
        "followed by a small one, such as:",
    ),
    bullets=(
        "Soreness in the treated muscle, like after exercise, for a day or two.",
        "A bruise where a needle went in. It fades over a few days.",
        "A drop of blood when a needle comes out. It stops with a little pressure.",
        "Feeling tired or sleepy after treatment. Take care when driving if you feel this way.",
        "Feeling faint or fainting. This is why you are treated lying down.",
    ),
    sources=(SourceId("brady_2014"), SourceId("boyce_2020"), SourceId("dommerholt_2019")),
)

RARE_SERIOUS_RISKS = PrimerSection(
    title="Rare but serious risks",
    paragraphs=(
        "Serious problems are rare. About 1 treatment in 1,000 has a major problem. They include:",
    ),
    bullets=(
        "A collapsed lung (pneumothorax). This can happen if a needle near the chest or upper "
        "back goes too deep. Your therapist uses special methods to prevent it.",
        "Infection where a needle went in.",
        "Injury to a nerve, which can cause numbness, tingling or weakness that lasts.",
    ),
    sources=(SourceId("boyce_2020"), SourceId("dommerholt_2019")),
)

AFTERCARE = PrimerSection(
    title="After your treatment",
    paragraphs=(),
    bullets=(
        "The treated muscles may feel sore for a day or two. This is normal.",
        "Gentle movement, light stretching and warmth (a warm shower or a heat pack) help the "
        "soreness settle. Keep active, but avoid very hard exercise for the rest of the day.",
        "You may get small bruises. They fade over a few days.",
        "Drink water and eat as usual. If you feel tired, rest.",
        "If the soreness lasts longer than 3 days, or your usual pain gets much worse, call "
        "your therapist.",
    ),
    sources=(SourceId("brady_2014"), SourceId("dommerholt_2019")),
)

#: The sentence the handout must always show in its urgent box (tests look for it).
URGENT_SENTENCE = (
    "If you become short of breath or have chest pain after needling near your chest, "
    "upper back, neck or shoulders, get medical help straight away: call your local "
    "emergency number or go to an emergency department."
)

URGENT_HELP = PrimerSection(
    title="When to get help urgently",
    paragraphs=(
        URGENT_SENTENCE,
        "These signs can start several hours after treatment, even the next day. Tell the "
        "doctor you had dry needling and where.",
        "Also get medical help quickly if a needle site becomes red, hot, swollen or weeps, if "
        "you get a fever, or if numbness or weakness does not go away.",
    ),
    sources=(SourceId("boyce_2020"), SourceId("dommerholt_2019")),
)

REFERRAL_VARIES = PrimerSection(
    title="About your map",
    paragraphs=(
        "The map shows where you felt pain, the muscles that were treated and where pain from "
        "those muscles usually spreads. Pain patterns differ from person to person, so your "
        "map is a guide, not a diagnosis.",
    ),
    sources=(SourceId("donnelly_2019"),),
)

#: The primer in reading order: what it is, how it feels, its risks.
PRIMER: tuple[PrimerSection, ...] = (
    WHAT_IS_DRY_NEEDLING,
    DIFFERENCE_FROM_ACUPUNCTURE,
    WHAT_YOU_MAY_FEEL,
    COMMON_SIDE_EFFECTS,
    RARE_SERIOUS_RISKS,
)

#: Every section of patient text, for checks (sources exist, reading level).
ALL_SECTIONS: tuple[PrimerSection, ...] = (*PRIMER, AFTERCARE, URGENT_HELP, REFERRAL_VARIES)
