"""Mock exams and weakest-first review without a window: the exam's mix, its report, its
history in the progress file (and the migration that adds it), and the weakest cards."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.test_study_progress import SCHEMA_1
from triggermap import resources
from triggermap.services.atlas_views import load_body_views
from triggermap.services.mock_exam import plan_mock_exam, report_mock_exam, seconds_left
from triggermap.services.study_cards import (
    CARD_KINDS,
    DeckFilter,
    StudyCard,
    build_deck,
    card_region,
    weakest_cards,
)
from triggermap.services.study_schedule import retrievability, schedule_review
from triggermap.storage.catalogue_reader import read_catalogue
from triggermap.storage.study_progress import (
    SCHEMA_VERSION,
    MockExamAnswer,
    MockExamRecord,
    ReviewRecord,
    StudyProgress,
    StudyProgressUnavailable,
)

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def shipped():
    catalogue = read_catalogue(resources.catalogue_db())
    atlas = load_body_views(resources.svg_dir(), None)
    return catalogue, build_deck(catalogue, atlas, DeckFilter())


def test_an_exam_mixes_every_exercise_and_region_as_evenly_as_the_deck_allows(shipped):
    catalogue, deck = shipped
    exam = plan_mock_exam(catalogue, deck, 40, random.Random(1))
    assert len(exam) == len({c.key for c in exam}) == 40
    kinds = Counter(c.kind for c in exam)
    assert set(kinds) == set(CARD_KINDS)
    assert max(kinds.values()) - min(kinds.values()) <= 4
    regions = Counter(card_region(catalogue, c) for c in exam)
    assert len(regions) >= 8  # the eight body regions (and conditions) all come up


def test_an_exam_never_asks_more_than_the_deck_holds(shipped):
    catalogue, deck = shipped
    small = deck[:5]
    assert sorted(c.key for c in plan_mock_exam(catalogue, small, 20, random.Random(2))) == sorted(
        c.key for c in small
    )


def test_the_report_scores_unanswered_questions_as_zero_and_groups_weakest_first():
    answers = (
        MockExamAnswer("which_muscle:a.trp1", "which_muscle", "trunk", 100.0),
        MockExamAnswer("which_muscle:b.trp1", "which_muscle", "thigh", 40.0),
        MockExamAnswer("condition:neck_pain", "condition", "conditions", 80.0),
        MockExamAnswer("find_point:c.trp1", "find_point", "thigh", None),
    )
    exam = MockExamRecord("Ana", NOW, NOW + timedelta(minutes=5), 360, "all", False, answers)
    report = report_mock_exam(exam)
    assert (report.asked, report.answered, report.passed) == (4, 3, 2)
    assert report.mean_score == pytest.approx(55.0)
    assert [g.name for g in report.by_region] == ["thigh", "conditions", "trunk"]
    assert report.by_region[0].mean_score == pytest.approx(20.0)
    assert report.by_kind[0].name == "find_point"
    assert report.missed == ("which_muscle:b.trp1", "find_point:c.trp1")


def test_the_time_left_counts_down_to_zero_and_no_further():
    assert seconds_left(NOW, NOW + timedelta(seconds=30), 90) == 60
    assert seconds_left(NOW, NOW + timedelta(minutes=5), 90) == 0


def test_an_exam_is_kept_with_its_answers_and_read_back(tmp_path):
    exam = MockExamRecord(
        "Ana",
        NOW,
        NOW + timedelta(minutes=3),
        180,
        "all exercises; trunk",
        True,
        (
            MockExamAnswer("condition:neck_pain", "condition", "conditions", 100.0),
            MockExamAnswer("find_point:soleus.trp1", "find_point", "leg_and_foot", None),
        ),
    )
    with StudyProgress(tmp_path / "study.db") as progress:
        progress.record_mock_exam(exam)
        assert progress.mock_exams("Ana") == [exam]
        assert progress.mock_exams("Ben") == []
        assert progress.reviews("Ana") == []


def test_an_exam_that_cannot_be_written_leaves_nothing_half_saved(tmp_path):
    exam = MockExamRecord(
        "Ana", NOW, NOW, 90, "x", False, (MockExamAnswer("k", "condition", "conditions", 1.0),) * 2
    )
    path = tmp_path / "study.db"
    with StudyProgress(path) as progress:
        # the same position twice breaks the answers' key: the exam row must go too
        progress._db.execute("drop table mock_exam_answers")
        progress._db.execute(
            "create table mock_exam_answers (exam_id integer, position integer, card_key text, "
            "kind text, region text, score real, check (position < 2))"
        )
        with pytest.raises(StudyProgressUnavailable, match="could not be saved"):
            progress.record_mock_exam(exam)
        assert progress._db.execute("select count(*) from mock_exams").fetchone()[0] == 0


def test_a_progress_file_of_schema_1_gains_the_exam_history_keeping_every_answer(tmp_path):
    path = tmp_path / "study.db"
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA_1)
    connection.execute("insert into learners values ('Ana', ?)", (NOW.isoformat(),))
    connection.execute(
        "insert into reviews (learner, card_key, kind, subject, region, score, reviewed_at) "
        "values ('Ana', 'condition:neck_pain', 'condition', 'neck_pain', 'conditions', 80, ?)",
        (NOW.isoformat(),),
    )
    connection.execute("PRAGMA user_version = 1")
    connection.commit()
    connection.close()
    with StudyProgress(path) as progress:
        assert [r.score for r in progress.reviews("Ana")] == [80]
        assert progress.mock_exams("Ana") == []
        progress.record_mock_exam(MockExamRecord("Ana", NOW, NOW, 90, "x", False, ()))
        assert len(progress.mock_exams("Ana")) == 1
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    check.close()


def test_the_weakest_cards_are_those_least_likely_remembered_now():
    cards = [StudyCard("condition", name) for name in ("a", "b", "c", "d")]
    states = {
        "condition:a": schedule_review(None, 90, NOW - timedelta(days=2)),
        "condition:b": schedule_review(None, 90, NOW - timedelta(days=300)),
        "condition:c": schedule_review(None, 30, NOW - timedelta(days=20)),
    }
    weakest = weakest_cards(cards, states, NOW, 10)
    assert [c.subject for c in weakest][:1] == ["b"]
    assert "d" not in [c.subject for c in weakest]  # never answered
    values = [retrievability(states[c.key], NOW) for c in weakest]
    assert values == sorted(values)
    assert all(0.0 <= v <= 1.0 for v in values)
    assert weakest_cards(cards, states, NOW, 1) == weakest[:1]


def test_suspending_and_resetting_keep_every_answer(tmp_path):
    card = "condition:neck_pain"
    with StudyProgress(tmp_path / "study.db") as progress:
        state = schedule_review(None, 80, NOW)
        progress.record_review(
            ReviewRecord("Ana", card, "condition", "neck_pain", "conditions", 80, NOW), state
        )
        progress.set_suspended("Ana", card, True)
        progress.set_suspended("Ana", card, True)  # twice is once
        assert progress.suspended_cards("Ana") == {card}
        assert progress.suspended_cards("Ben") == set()
        progress.reset_card("Ana", card)
        assert progress.card_states("Ana") == {}
        assert [r.score for r in progress.reviews("Ana")] == [80]
        progress.set_suspended("Ana", card, False)
        assert progress.suspended_cards("Ana") == set()


def test_a_failed_write_refuses_to_suspend_in_one_sentence_and_changes_nothing(tmp_path):
    with StudyProgress(tmp_path / "study.db") as progress:
        # the disk refuses the write (as a full disk would): the insert aborts
        progress._db.execute(
            "create trigger full_disk before insert on suspended_cards "
            "begin select raise(abort, 'database or disk is full'); end"
        )
        with pytest.raises(StudyProgressUnavailable, match="could not be suspended"):
            progress.set_suspended("Ana", "condition:neck_pain", True)
        assert progress.suspended_cards("Ana") == set()
        assert progress.learners() == []  # not even the learner row was left behind


def test_a_card_missed_a_minute_ago_counts_as_weak_though_fsrs_calls_it_remembered_now():
    cards = [StudyCard("condition", "known"), StudyCard("condition", "missed")]
    good = schedule_review(None, 95, NOW - timedelta(days=10))
    good = schedule_review(good, 95, NOW - timedelta(days=2))
    states = {
        "condition:known": good,
        "condition:missed": schedule_review(None, 10, NOW - timedelta(minutes=1)),
    }
    assert retrievability(states["condition:missed"], NOW) > 0.99  # why 'now' will not do
    assert [c.subject for c in weakest_cards(cards, states, NOW, 2)] == ["missed", "known"]
