"""Study progress file: per learner, private, atomic, damage reported; and its summary."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triggermap.services.study_progress_summary import summarise_progress
from triggermap.services.study_schedule import schedule_review
from triggermap.storage.study_progress import (
    DEFAULT_LEARNER,
    MAX_LEARNER_NAME,
    SCHEMA_VERSION,
    ReviewRecord,
    StudyProgress,
    StudyProgressUnavailable,
    clean_learner_name,
)

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def answer(progress, learner, key, score, when, region="neck_and_shoulder"):
    kind, subject = key.split(":")
    states = progress.card_states(learner)
    state = schedule_review(states.get(key), score, when)
    progress.record_review(ReviewRecord(learner, key, kind, subject, region, score, when), state)
    return state


def test_a_new_file_is_private_in_a_private_directory(tmp_path) -> None:
    data_dir = tmp_path / "new" / "data"
    with StudyProgress.in_data_dir(data_dir) as progress:
        assert progress.path == data_dir / "study.db"
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "study.db").stat().st_mode) == 0o600
    assert [p.name for p in data_dir.iterdir()] == ["study.db"]


def test_answers_and_schedules_are_kept_per_learner(tmp_path) -> None:
    path = tmp_path / "study.db"
    with StudyProgress(path) as progress:
        progress.add_learner(DEFAULT_LEARNER)
        state = answer(progress, DEFAULT_LEARNER, "find_point:soleus.trp1", 80, NOW)
        answer(progress, "Ana", "condition:neck_pain", 20, NOW + timedelta(minutes=1))
    with StudyProgress(path) as progress:
        assert progress.learners() == [DEFAULT_LEARNER, "Ana"]
        assert progress.card_states(DEFAULT_LEARNER) == {"find_point:soleus.trp1": state}
        assert [r.score for r in progress.reviews("Ana")] == [20]
        assert progress.reviews(DEFAULT_LEARNER)[0].reviewed_at == NOW


def test_a_second_answer_replaces_the_schedule_and_adds_a_review(tmp_path) -> None:
    with StudyProgress(tmp_path / "study.db") as progress:
        answer(progress, "Ana", "find_point:soleus.trp1", 80, NOW)
        later = answer(progress, "Ana", "find_point:soleus.trp1", 10, NOW + timedelta(days=1))
        assert progress.card_states("Ana")["find_point:soleus.trp1"] == later
        assert [r.score for r in progress.reviews("Ana")] == [80, 10]


def test_a_failed_write_leaves_no_half_answer(tmp_path) -> None:
    with StudyProgress(tmp_path / "study.db") as progress:
        state = schedule_review(None, 50, NOW)
        broken = ReviewRecord("Ana", "find_point:x", "find_point", "x", "trunk", 50, NOW)
        naive = type(state)(
            state.phase, state.step, state.stability, state.difficulty, datetime(2026, 1, 1), None
        )
        with pytest.raises(ValueError, match="timezone"):
            progress.record_review(broken, naive)
        assert progress.reviews("Ana") == []
        assert progress.card_states("Ana") == {}


def test_a_damaged_file_is_reported_and_not_overwritten(tmp_path) -> None:
    path = tmp_path / "study.db"
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(StudyProgressUnavailable, match="damaged") as raised:
        StudyProgress(path)
    assert str(path) in str(raised.value)
    assert path.read_bytes() == before


def test_a_foreign_database_is_refused(tmp_path) -> None:
    import sqlite3

    path = tmp_path / "study.db"
    connection = sqlite3.connect(path)
    connection.execute("create table something (x)")
    connection.commit()
    connection.close()
    with pytest.raises(StudyProgressUnavailable, match="not a triggermap study progress file"):
        StudyProgress(path)


def test_learner_names_are_cleaned_and_checked() -> None:
    assert clean_learner_name("  Ana   María \t") == "Ana María"
    with pytest.raises(ValueError, match="at least one"):
        clean_learner_name(" \n\x00 ")
    with pytest.raises(ValueError, match="at most") as raised:
        clean_learner_name("x" * (MAX_LEARNER_NAME + 1))
    assert "xxx" not in str(raised.value)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=80))
def test_any_typed_learner_name_is_stored_as_cleaned_or_refused(tmp_path, typed) -> None:
    with StudyProgress(tmp_path / "names.db") as progress:
        try:
            expected = clean_learner_name(typed)
        except ValueError:
            with pytest.raises(ValueError, match="learner name"):
                progress.add_learner(typed)
            return
        assert progress.add_learner(typed) == expected
        assert expected in progress.learners()
        answer(progress, expected, "condition:neck_pain", 70, NOW)
        assert progress.reviews(expected)[-1].learner == expected


def test_the_summary_counts_due_cards_accuracy_and_weak_cards(tmp_path) -> None:
    with StudyProgress(tmp_path / "study.db") as progress:
        answer(
            progress, "Ana", "find_point:soleus.trp1", 100, NOW - timedelta(days=3), "leg_and_foot"
        )
        answer(
            progress, "Ana", "draw_pattern:soleus.trp1", 30, NOW - timedelta(days=3), "leg_and_foot"
        )
        answer(progress, "Ana", "condition:neck_pain", 20, NOW - timedelta(days=1), "conditions")
        answer(progress, "Ana", "condition:neck_pain", 60, NOW - timedelta(hours=1), "conditions")
        states, reviews = progress.card_states("Ana"), progress.reviews("Ana")
    deck = [*states, "which_muscle:soleus.trp1"]
    summary = summarise_progress(reviews, states, deck, NOW)
    assert summary.cards_seen == 3
    assert summary.cards_new == 1
    assert summary.cards_due == sum(s.due <= NOW for s in states.values())
    assert summary.cards_due >= 1
    assert summary.answers == 4
    assert summary.accuracy == pytest.approx(52.5)
    regions = {r.region: r.accuracy for r in summary.by_region}
    assert regions == {"leg_and_foot": 65, "conditions": 40}
    assert [w.card_key for w in summary.weakest] == [
        "draw_pattern:soleus.trp1",
        "condition:neck_pain",
    ]
    assert [(d.day.isoformat(), d.accuracy) for d in summary.by_day] == [
        ("2026-05-01", 65),
        ("2026-05-03", 20),
        ("2026-05-04", 60),
    ]


def test_an_empty_history_summarises_to_nothing_due() -> None:
    summary = summarise_progress([], {}, ["condition:neck_pain"], NOW)
    assert summary.cards_due == 0
    assert summary.cards_new == 1
    assert summary.accuracy is None
    assert summary.by_day == ()
    assert summary.weakest == ()


# -- ratings and the schema they need ----------------------------------------------------------

#: The schema of version 1, as triggermap wrote it before learners rated their answers.
SCHEMA_1 = """
create table learners (name text primary key, created_at text not null);
create table card_states (
    learner text not null references learners(name), card_key text not null,
    phase text not null, step integer, stability real, difficulty real,
    due text not null, last_review text, primary key (learner, card_key)
);
create table reviews (
    id integer primary key, learner text not null references learners(name),
    card_key text not null, kind text not null, subject text not null, region text not null,
    score real not null, reviewed_at text not null
);
create index reviews_by_learner on reviews (learner, reviewed_at);
"""


def test_an_older_progress_file_is_migrated_keeping_every_answer(tmp_path) -> None:
    import sqlite3

    path = tmp_path / "study.db"
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA_1)
    connection.execute("insert into learners values ('Ana', ?)", (NOW.isoformat(),))
    connection.execute(
        "insert into card_states values ('Ana', 'condition:neck_pain', 'review', null, 3.0, "
        "5.0, ?, ?)",
        ((NOW - timedelta(days=1)).isoformat(), (NOW - timedelta(days=4)).isoformat()),
    )
    connection.execute(
        "insert into reviews (learner, card_key, kind, subject, region, score, reviewed_at) "
        "values ('Ana', 'condition:neck_pain', 'condition', 'neck_pain', 'conditions', 80, ?)",
        ((NOW - timedelta(days=4)).isoformat(),),
    )
    connection.execute("PRAGMA user_version = 1")
    connection.commit()
    connection.close()
    with StudyProgress(path) as progress:
        [old] = progress.reviews("Ana")
        assert (old.card_key, old.score, old.rating, old.guessed) == (
            "condition:neck_pain",
            80,
            None,
            False,
        )
        assert progress.card_states("Ana")["condition:neck_pain"].due == NOW - timedelta(days=1)
        state = schedule_review(None, 100, NOW, "again")
        progress.record_review(
            ReviewRecord(
                "Ana",
                "find_point:soleus.trp1",
                "find_point",
                "soleus.trp1",
                "leg_and_foot",
                100,
                NOW,
                "again",
                True,
            ),
            state,
        )
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    check.close()
    with StudyProgress(path) as progress:  # opening a migrated file changes nothing
        assert [(r.rating, r.guessed) for r in progress.reviews("Ana")] == [
            (None, False),
            ("again", True),
        ]


def test_a_rating_is_one_of_fsrs_ratings() -> None:
    with pytest.raises(ValueError, match="not a rating"):
        ReviewRecord("Ana", "condition:neck_pain", "condition", "neck_pain", "x", 1, NOW, "meh")


def test_the_latest_learner_is_who_answered_last(tmp_path) -> None:
    with StudyProgress(tmp_path / "study.db") as progress:
        assert progress.latest_learner() is None
        progress.add_learner("Ana")
        assert progress.latest_learner() == "Ana"
        progress.add_learner("Ben")
        answer(progress, "Ben", "condition:neck_pain", 70, NOW - timedelta(days=1))
        answer(progress, "Ana", "condition:neck_pain", 70, NOW - timedelta(days=2))
        assert progress.latest_learner() == "Ben"


def test_the_summary_tells_the_selection_from_all_cards(tmp_path) -> None:
    with StudyProgress(tmp_path / "study.db") as progress:
        answer(progress, "Ana", "condition:neck_pain", 10, NOW - timedelta(days=1))
        answer(progress, "Ana", "find_point:soleus.trp1", 10, NOW - timedelta(days=1))
        states, reviews = progress.card_states("Ana"), progress.reviews("Ana")
    summary = summarise_progress(reviews, states, ["condition:neck_pain", "condition:x"], NOW)
    assert (summary.deck_size, summary.cards_due, summary.cards_seen, summary.cards_new) == (
        2,
        1,
        1,
        1,
    )
    assert (summary.cards_due_all, summary.answers) == (2, 2)
