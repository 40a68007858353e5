"""Study progress per learner in <data dir>/study.db: card schedules, every answer given, the
mock exams sat, and the cards a learner has suspended.

Kept apart from the patient database (patients.db): it holds no health information, only how
well a learner knows the catalogue. The file is created readable by its owner only (0600) in
a directory that only its owner can enter (0700, when we create it); each answer is written
in one transaction together with the card's new schedule, so a crash never leaves half an
answer. A damaged file is reported and left untouched, never replaced.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

#: File name of the progress database inside the user's data directory.
STUDY_FILE_NAME = "study.db"
#: `PRAGMA user_version` of the schema this module writes.
SCHEMA_VERSION = 4
#: How the learner can rate an answer (FSRS's ratings), weakest first.
RATING_NAMES = ("again", "hard", "good", "easy")
#: The learner whose progress is kept when nobody gives a name.
DEFAULT_LEARNER = "Student"
#: Learner names are at most this many characters.
MAX_LEARNER_NAME = 60

_SCHEMA = """
create table learners (
    name text primary key,
    created_at text not null
);
create table card_states (
    learner text not null references learners(name),
    card_key text not null,
    phase text not null,
    step integer,
    stability real,
    difficulty real,
    due text not null,
    last_review text,
    primary key (learner, card_key)
);
create table reviews (
    id integer primary key,
    learner text not null references learners(name),
    card_key text not null,
    kind text not null,
    subject text not null,
    region text not null,
    score real not null,
    reviewed_at text not null,
    rating text,
    guessed integer not null default 0
);
create index reviews_by_learner on reviews (learner, reviewed_at);
create table mock_exams (
    id integer primary key,
    learner text not null references learners(name),
    started_at text not null,
    finished_at text not null,
    time_limit_s integer not null,
    scope text not null,
    timed_out integer not null default 0
);
create table mock_exam_answers (
    exam_id integer not null references mock_exams(id),
    position integer not null,
    card_key text not null,
    kind text not null,
    region text not null,
    score real,
    primary key (exam_id, position)
);
create table suspended_cards (
    learner text not null references learners(name),
    card_key text not null,
    suspended_at text not null,
    primary key (learner, card_key)
);
"""

#: Changes from one schema to the next: `_MIGRATIONS[n]` turns schema n into n + 1. Each only
#: adds, so no answer a learner gave is ever lost.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 1 → 2: the rating the learner gave (NULL for older answers: they were rated from the
    # score) and whether they said they guessed
    1: (
        "alter table reviews add column rating text",
        "alter table reviews add column guessed integer not null default 0",
    ),
    # 2 → 3: mock exams, kept apart from the reviews (an exam does not move a card's schedule)
    2: (
        "create table mock_exams (id integer primary key, learner text not null references "
        "learners(name), started_at text not null, finished_at text not null, time_limit_s "
        "integer not null, scope text not null, timed_out integer not null default 0)",
        "create table mock_exam_answers (exam_id integer not null references mock_exams(id), "
        "position integer not null, card_key text not null, kind text not null, region text "
        "not null, score real, primary key (exam_id, position))",
    ),
    # 3 → 4: cards a learner has set aside (the browser's Suspend); their answers stay
    3: (
        "create table suspended_cards (learner text not null references learners(name), "
        "card_key text not null, suspended_at text not null, primary key (learner, card_key))",
    ),
}


class StudyProgressUnavailable(RuntimeError):
    """The progress file cannot be used (damaged, of a newer program, unreadable); the message
    says which and what to do. The file is left as it was."""


@dataclass(frozen=True)
class CardState:
    """A card's spaced-repetition schedule: FSRS phase ("learning", "review", "relearning"),
    learning step, memory stability (days) and difficulty (1–10), when it is due next and when
    it was last answered (timezone-aware)."""

    phase: str
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


@dataclass(frozen=True)
class ReviewRecord:
    """One answer: which card (`card_key` "<kind>:<subject>"), its body region (or
    "conditions"), the score 0–100 and when (timezone-aware); the rating the schedule was given
    (one of RATING_NAMES; None for answers saved before learners rated them) and whether the
    learner said they guessed."""

    learner: str
    card_key: str
    kind: str
    subject: str
    region: str
    score: float
    reviewed_at: datetime
    rating: str | None = None
    guessed: bool = False

    def __post_init__(self) -> None:
        if self.rating is not None and self.rating not in RATING_NAMES:
            raise ValueError(f"not a rating: {self.rating!r}")


@dataclass(frozen=True)
class MockExamAnswer:
    """One question of a mock exam: the card asked, its exercise kind and body region, and the
    score 0–100 (None: not answered before the time ran out)."""

    card_key: str
    kind: str
    region: str
    score: float | None


@dataclass(frozen=True)
class MockExamRecord:
    """A mock exam sat by a learner: when (timezone-aware), its time limit (seconds), what it
    covered in words, whether the time ran out, and every question in the order asked."""

    learner: str
    started_at: datetime
    finished_at: datetime
    time_limit_s: int
    scope: str
    timed_out: bool
    answers: tuple[MockExamAnswer, ...]


def clean_learner_name(typed: str) -> str:
    """A learner name as stored: spaces trimmed and collapsed, control characters dropped.
    Raises ValueError (quoting nothing of the text) when nothing is left or it is too long."""
    kept = "".join(c for c in typed if unicodedata.category(c)[0] != "C")
    name = " ".join(kept.split())
    if not name:
        raise ValueError("A learner name needs at least one letter or digit.")
    if len(name) > MAX_LEARNER_NAME:
        raise ValueError(f"A learner name can be at most {MAX_LEARNER_NAME} characters long.")
    return name


class StudyProgress:
    """The progress file of every learner on this computer account."""

    def __init__(self, path: Path) -> None:
        """Open `path`, creating it (and its directory) if missing; raises
        StudyProgressUnavailable if an existing file cannot be used."""
        self.path = Path(path)
        if not self.path.exists():
            _create(self.path)
        self._db = _open_existing(self.path)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> StudyProgress:
        """The progress file in the user's data directory."""
        return cls(Path(data_dir) / STUDY_FILE_NAME)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StudyProgress:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # -- learners -----------------------------------------------------------------------------

    def learners(self) -> list[str]:
        """Names of the learners with saved progress, in the order they were added."""
        rows = self._db.execute("select name from learners order by rowid")
        return [row[0] for row in rows]

    def latest_learner(self) -> str | None:
        """The learner who gave the latest answer (else the latest added), None if none."""
        row = self._db.execute(
            "select learner from reviews order by reviewed_at desc, id desc limit 1"
        ).fetchone()
        if row is None:
            row = self._db.execute("select name from learners order by rowid desc").fetchone()
        return row[0] if row else None

    def add_learner(self, typed_name: str) -> str:
        """Add a learner (no change if the name exists); returns the name as stored."""
        name = clean_learner_name(typed_name)
        with self._db:
            self._db.execute(
                "insert or ignore into learners (name, created_at) values (?, ?)",
                (name, _text(datetime.now(UTC))),
            )
        return name

    # -- cards and answers --------------------------------------------------------------------

    def card_states(self, learner: str) -> dict[str, CardState]:
        """Every card the learner has answered, by card key, with its schedule."""
        rows = self._db.execute(
            "select card_key, phase, step, stability, difficulty, due, last_review "
            "from card_states where learner = ?",
            (learner,),
        )
        return {
            key: CardState(phase, step, stability, difficulty, _time(due), _time_or_none(last))
            for key, phase, step, stability, difficulty, due, last in rows
        }

    def reviews(self, learner: str) -> list[ReviewRecord]:
        """Every answer the learner gave, oldest first."""
        rows = self._db.execute(
            "select card_key, kind, subject, region, score, reviewed_at, rating, guessed "
            "from reviews where learner = ? order by reviewed_at, id",
            (learner,),
        )
        return [
            ReviewRecord(
                learner, key, kind, subject, region, score, _time(at), rating, bool(guessed)
            )
            for key, kind, subject, region, score, at, rating, guessed in rows
        ]

    def record_review(self, review: ReviewRecord, state: CardState) -> None:
        """Save an answer and the card's new schedule together (one transaction); raises
        StudyProgressUnavailable if the file cannot be written (nothing is then saved)."""
        try:
            self._write_review(review, state)
        except sqlite3.Error as error:
            raise StudyProgressUnavailable(
                f"Your answer could not be saved to {self.path} ({error})."
            ) from error

    def _write_review(self, review: ReviewRecord, state: CardState) -> None:
        with self._db:
            self._db.execute(
                "insert or ignore into learners (name, created_at) values (?, ?)",
                (review.learner, _text(datetime.now(UTC))),
            )
            self._db.execute(
                "insert into reviews (learner, card_key, kind, subject, region, score, "
                "reviewed_at, rating, guessed) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    review.learner,
                    review.card_key,
                    review.kind,
                    review.subject,
                    review.region,
                    float(review.score),
                    _text(review.reviewed_at),
                    review.rating,
                    int(review.guessed),
                ),
            )
            self._db.execute(
                "insert or replace into card_states (learner, card_key, phase, step, stability, "
                "difficulty, due, last_review) values (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    review.learner,
                    review.card_key,
                    state.phase,
                    state.step,
                    state.stability,
                    state.difficulty,
                    _text(state.due),
                    _text(state.last_review) if state.last_review else None,
                ),
            )

    # -- suspending and resetting cards (the card browser) ------------------------------------

    def suspended_cards(self, learner: str) -> set[str]:
        """The keys of the cards the learner has suspended: never asked until unsuspended."""
        rows = self._db.execute(
            "select card_key from suspended_cards where learner = ?", (learner,)
        )
        return {row[0] for row in rows}

    def set_suspended(self, learner: str, card_key: str, suspended: bool) -> None:
        """Suspend a card (it is asked no more) or bring it back; its answers and schedule
        are kept either way. Raises StudyProgressUnavailable if the file cannot be written."""
        try:
            with self._db:
                if suspended:
                    self._db.execute(
                        "insert or ignore into learners (name, created_at) values (?, ?)",
                        (learner, _text(datetime.now(UTC))),
                    )
                    self._db.execute(
                        "insert or ignore into suspended_cards (learner, card_key, "
                        "suspended_at) values (?, ?, ?)",
                        (learner, card_key, _text(datetime.now(UTC))),
                    )
                else:
                    self._db.execute(
                        "delete from suspended_cards where learner = ? and card_key = ?",
                        (learner, card_key),
                    )
        except sqlite3.Error as error:
            raise StudyProgressUnavailable(
                f"The card could not be {'suspended' if suspended else 'brought back'} in "
                f"{self.path} ({error})."
            ) from error

    def reset_card(self, learner: str, card_key: str) -> None:
        """Forget the card's schedule: it is new again and comes as new cards do. Its past
        answers stay in the history (they happened). Raises StudyProgressUnavailable if the
        file cannot be written."""
        try:
            with self._db:
                self._db.execute(
                    "delete from card_states where learner = ? and card_key = ?",
                    (learner, card_key),
                )
        except sqlite3.Error as error:
            raise StudyProgressUnavailable(
                f"The card could not be reset in {self.path} ({error})."
            ) from error

    # -- mock exams ---------------------------------------------------------------------------

    def record_mock_exam(self, exam: MockExamRecord) -> None:
        """Save a finished mock exam with all its answers in one transaction; raises
        StudyProgressUnavailable if the file cannot be written (nothing is then saved)."""
        try:
            with self._db:
                self._db.execute(
                    "insert or ignore into learners (name, created_at) values (?, ?)",
                    (exam.learner, _text(datetime.now(UTC))),
                )
                cursor = self._db.execute(
                    "insert into mock_exams (learner, started_at, finished_at, time_limit_s, "
                    "scope, timed_out) values (?, ?, ?, ?, ?, ?)",
                    (
                        exam.learner,
                        _text(exam.started_at),
                        _text(exam.finished_at),
                        int(exam.time_limit_s),
                        exam.scope,
                        int(exam.timed_out),
                    ),
                )
                self._db.executemany(
                    "insert into mock_exam_answers (exam_id, position, card_key, kind, region, "
                    "score) values (?, ?, ?, ?, ?, ?)",
                    [
                        (cursor.lastrowid, n, a.card_key, a.kind, a.region, a.score)
                        for n, a in enumerate(exam.answers, start=1)
                    ],
                )
        except sqlite3.Error as error:
            raise StudyProgressUnavailable(
                f"The mock exam could not be saved to {self.path} ({error})."
            ) from error

    def mock_exams(self, learner: str) -> list[MockExamRecord]:
        """Every mock exam the learner sat, oldest first, with its answers."""
        exams = self._db.execute(
            "select id, started_at, finished_at, time_limit_s, scope, timed_out "
            "from mock_exams where learner = ? order by started_at, id",
            (learner,),
        ).fetchall()
        out = []
        for exam_id, started, finished, limit, scope, timed_out in exams:
            answers = tuple(
                MockExamAnswer(key, kind, region, score)
                for key, kind, region, score in self._db.execute(
                    "select card_key, kind, region, score from mock_exam_answers "
                    "where exam_id = ? order by position",
                    (exam_id,),
                )
            )
            out.append(
                MockExamRecord(
                    learner,
                    _time(started),
                    _time(finished),
                    limit,
                    scope,
                    bool(timed_out),
                    answers,
                )
            )
        return out


def _create(path: Path) -> None:
    """Create the file with its schema: built beside it under a temporary name, then moved
    into place, so an interrupted start never leaves a half-made file."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(prefix=".study-", suffix=".tmp", dir=path.parent)
    os.close(descriptor)  # mkstemp makes the file 0600
    try:
        connection = sqlite3.connect(temporary)
        try:
            with connection:
                connection.executescript(_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            connection.close()
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _open_existing(path: Path) -> sqlite3.Connection:
    advice = "it was left as it is; move it elsewhere to start a new progress file"
    try:
        connection = sqlite3.connect(path, timeout=5.0)
    except sqlite3.Error as error:
        raise StudyProgressUnavailable(
            f"The study progress file {path} cannot be opened ({error})."
        ) from error
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        check = connection.execute("PRAGMA quick_check").fetchone()[0]
        tables = {
            row[0]
            for row in connection.execute("select name from sqlite_master where type = 'table'")
        }
    except sqlite3.DatabaseError as error:
        connection.close()
        raise StudyProgressUnavailable(
            f"The study progress file {path} is damaged ({error}); {advice}."
        ) from error
    if check != "ok":
        connection.close()
        raise StudyProgressUnavailable(f"The study progress file {path} is damaged; {advice}.")
    if version > SCHEMA_VERSION:
        connection.close()
        raise StudyProgressUnavailable(
            f"The study progress file {path} was written by a newer triggermap "
            f"(schema {version}); update triggermap to use it."
        )
    if (
        version not in range(1, SCHEMA_VERSION + 1)
        or not {
            "learners",
            "card_states",
            "reviews",
        }
        <= tables
    ):
        connection.close()
        raise StudyProgressUnavailable(f"{path} is not a triggermap study progress file; {advice}.")
    if version < SCHEMA_VERSION:
        try:
            _migrate(connection)
        except sqlite3.Error as error:
            connection.close()
            raise StudyProgressUnavailable(
                f"The study progress file {path} could not be updated to this triggermap "
                f"({error}); it was left as it was."
            ) from error
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def _migrate(connection: sqlite3.Connection) -> None:
    """Bring an older schema up to SCHEMA_VERSION in one transaction: all steps or none. The
    version is read again inside the transaction, so two programs opening the file at once
    migrate it once."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            while version < SCHEMA_VERSION:
                for statement in _MIGRATIONS[version]:
                    connection.execute(statement)
                version += 1
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


def _text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("times in the progress file must be timezone-aware")
    return moment.astimezone(UTC).isoformat()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _time_or_none(text: str | None) -> datetime | None:
    return None if text is None else _time(text)
