"""The dictation history: an SQLite file every final result is written to at once.

The file is ``history.sqlite3`` in ``platformdirs.user_data_dir("dictation-app")``,
or in ``$DICTATION_APP_DATA_DIR`` when set. Each final segment is committed as
it arrives, in WAL mode, so a crash or power cut loses at most the words that
were still changing. A dictation still marked ``running`` when the app starts
again was cut short by a crash and is marked ``interrupted``.

Search uses ``LIKE`` rather than FTS5 on purpose: FTS5's tokenizers split
words on spaces, so a search for 世界 would not find 你好世界.

Also here: the text, SubRip and JSON forms of a list of segments, shared by
the history and the transcript pane's "Save as".

Blocking calls on one thread (the GUI's); each takes a millisecond or two.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dictation_app.core.errors import DictationError
from dictation_app.core.text import join_pieces
from dictation_app.paths import data_dir

FILE_NAME = "history.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS dictations (
    id INTEGER PRIMARY KEY,
    started_at REAL NOT NULL,
    ended_at REAL,
    provider TEXT NOT NULL,
    language TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT
);
CREATE TABLE IF NOT EXISTS segments (
    dictation_id INTEGER NOT NULL REFERENCES dictations (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    start REAL,
    "end" REAL,
    PRIMARY KEY (dictation_id, position)
);
CREATE INDEX IF NOT EXISTS dictations_started ON dictations (started_at);
"""


class HistoryError(DictationError):
    """The history file could not be opened, read or written."""


class DictationStatus(enum.Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"
    """The app ended (crashed) while the dictation was running."""


@dataclasses.dataclass(frozen=True, slots=True)
class SegmentRecord:
    """One final piece of text; times in seconds from the dictation's start,
    ``None`` where the engine gave none."""

    text: str
    start: float | None = None
    end: float | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class DictationRecord:
    id: int
    started_at: float
    ended_at: float | None
    provider: str
    language: str
    status: DictationStatus
    error: str | None
    text: str

    @property
    def duration(self) -> float:
        return max(0.0, (self.ended_at or self.started_at) - self.started_at)



class History:
    """The history database at ``path`` (default: the data dir); raises HistoryError."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else data_dir() / FILE_NAME
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            with self._db:
                self._db.executescript(_SCHEMA)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self._db.execute(
                    "UPDATE dictations SET status = ? WHERE status = ?",
                    (DictationStatus.INTERRUPTED.value, DictationStatus.RUNNING.value),
                )
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(
                f"The history file {self.path} could not be opened ({exc}).",
                "Dictation still works, but is not saved; check that the folder is writable.",
            ) from exc

    def close(self) -> None:
        self._db.close()

    def begin(self, provider: str, language: str, started_at: float | None = None) -> int:
        """Record a new running dictation; returns its id."""
        cursor = self._write(
            "INSERT INTO dictations (started_at, provider, language, status) VALUES (?, ?, ?, ?)",
            (started_at or time.time(), provider, language, DictationStatus.RUNNING.value),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def add_segment(self, dictation_id: int, position: int, segment: SegmentRecord) -> None:
        """Save one final segment, committed before returning."""
        self._write(
            'INSERT OR REPLACE INTO segments (dictation_id, position, text, start, "end") '
            "VALUES (?, ?, ?, ?, ?)",
            (dictation_id, position, segment.text, segment.start, segment.end),
        )

    def finish(
        self, dictation_id: int, status: DictationStatus, error: str | None = None,
        ended_at: float | None = None,
    ) -> None:
        self._write(
            "UPDATE dictations SET status = ?, error = ?, ended_at = ? WHERE id = ?",
            (status.value, error, ended_at or time.time(), dictation_id),
        )

    def delete(self, dictation_id: int) -> None:
        self._write("DELETE FROM dictations WHERE id = ?", (dictation_id,))

    def dictations(self, search: str = "", limit: int = 500) -> list[DictationRecord]:
        """Dictations, newest first; with ``search``, those whose text contains it."""
        if not search:
            return self._records("", (), limit)
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = (
            "WHERE EXISTS (SELECT 1 FROM segments WHERE dictation_id = dictations.id"
            " AND text LIKE ? ESCAPE '\\')"
        )
        return self._records(where, (pattern,), limit)

    def get(self, dictation_id: int) -> DictationRecord | None:
        records = self._records("WHERE id = ?", (dictation_id,), 1)
        return records[0] if records else None

    def segments(self, dictation_id: int) -> list[SegmentRecord]:
        rows = self._read(
            'SELECT text, start, "end" FROM segments WHERE dictation_id = ? ORDER BY position',
            (dictation_id,),
        )
        return [SegmentRecord(*row) for row in rows]

    def text(self, dictation_id: int) -> str:
        return join_pieces(segment.text for segment in self.segments(dictation_id))

    def export(self, dictation_id: int, path: Path, kind: str = "txt") -> None:
        """Write the dictation to ``path`` as ``kind`` (txt, srt or json)."""
        record = self.get(dictation_id)
        if record is None:
            raise HistoryError(f"Dictation {dictation_id} is not in the history.", "It may have been deleted.")
        segments = self.segments(dictation_id)
        write_export(path, kind, record.text, [(segments, record.duration)])

    def _records(self, where: str, params: tuple[object, ...], limit: int) -> list[DictationRecord]:
        rows = self._read(
            "SELECT id, started_at, ended_at, provider, language, status, error FROM dictations "
            f"{where} ORDER BY started_at DESC, id DESC LIMIT ?",
            (*params, limit),
        )
        texts = self._texts([row[0] for row in rows])
        return [
            DictationRecord(
                id=row[0], started_at=row[1], ended_at=row[2], provider=row[3], language=row[4],
                status=DictationStatus(row[5]), error=row[6], text=texts.get(row[0], ""),
            )
            for row in rows
        ]

    def _texts(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._read(
            f"SELECT dictation_id, text FROM segments WHERE dictation_id IN ({marks}) "
            "ORDER BY dictation_id, position",
            tuple(ids),
        )
        pieces: dict[int, list[str]] = {}
        for dictation_id, text in rows:
            pieces.setdefault(dictation_id, []).append(text)
        return {key: join_pieces(value) for key, value in pieces.items()}

    def _write(self, sql: str, params: tuple[object, ...]) -> sqlite3.Cursor:
        try:
            with self._db:
                return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise HistoryError(
                f"The history could not be saved ({exc}).",
                f"Check that the disk is not full and {self.path} is writable; the transcript "
                "pane still holds the text.",
            ) from exc

    def _read(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(
                f"The history could not be read ({exc}).", f"The file {self.path} may be damaged."
            ) from exc


Dictated = tuple[Sequence[SegmentRecord], float]
"""One dictation's segments and its length in seconds."""

EXPORT_KINDS = ("txt", "srt", "json")


def format_txt(text: str) -> str:
    return text.rstrip("\n") + "\n"


def timed_segments(dictations: Sequence[Dictated]) -> list[SegmentRecord]:
    """Every segment with a start and an end, the dictations laid end to end.

    A dictation whose engine gave times for every segment keeps them; in one
    that lacks any, the segments share its length in proportion to their
    number of characters (an estimate: subtitles need times).
    """
    timed: list[SegmentRecord] = []
    offset = 0.0
    for segments, duration in dictations:
        spans = [(s.start, s.end) for s in segments if s.start is not None and s.end is not None]
        if len(spans) == len(segments):
            timed += [SegmentRecord(s.text, offset + a, offset + b) for s, (a, b) in zip(segments, spans)]
            length = max([duration, *(end for _, end in spans)])
        else:
            length = max(duration, 0.5 * len(segments))
            total = sum(max(len(s.text), 1) for s in segments)
            position = offset
            for s in segments:
                share = length * max(len(s.text), 1) / total
                timed.append(SegmentRecord(s.text, position, position + share))
                position += share
        offset += length
    return timed


def format_srt(dictations: Sequence[Dictated]) -> str:
    cues = [s for s in timed_segments(dictations) if s.text.strip()]
    blocks = [
        f"{number}\n{_srt_time(s.start)} --> {_srt_time(s.end)}\n{s.text.strip()}\n"
        for number, s in enumerate(cues, start=1)
    ]
    return "\n".join(blocks)


def format_json(text: str, dictations: Sequence[Dictated]) -> str:
    """The text as shown, and each dictation's segments as recognised (times
    ``null`` where the engine gave none)."""
    document = {
        "text": text,
        "dictations": [
            {
                "duration": round(duration, 3),
                "segments": [dataclasses.asdict(segment) for segment in segments],
            }
            for segments, duration in dictations
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_export(path: Path, kind: str, text: str, dictations: Sequence[Dictated]) -> None:
    """Write ``text`` (txt) or ``dictations`` (srt, json) to ``path``; raises HistoryError."""
    if kind == "srt":
        content = format_srt(dictations)
    elif kind == "json":
        content = format_json(text, dictations)
    else:
        content = format_txt(text)
    try:
        path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise HistoryError(
            f"The transcript could not be saved to {path} ({exc.strerror or exc}).",
            "Choose another folder or file name.",
        ) from exc


def _srt_time(seconds: float | None) -> str:
    millis = round((seconds or 0.0) * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02}:{minutes:02}:{secs:02},{millis:03}"
