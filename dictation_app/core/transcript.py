"""The transcript model: rebuilds the text of a dictation from events.

Pure and synchronous. Segments are keyed by ``(run, segment)``: a *run* is one
connection of the session to its provider (a rollover or a reconnect starts a
new one), and providers number segments within a run in reading order (as
iFLYTEK's ``sn``, whose replacement results take a new, higher number). The
text is the segments in key order, so runs that overlap while one finishes and
the next starts still read in order.
"""

from __future__ import annotations

import bisect
import dataclasses

from dictation_app.core.events import Final, Partial, ReplaceRange, TranscriptEvent, Word
from dictation_app.core.text import join_pieces


@dataclasses.dataclass(slots=True)
class Segment:
    run: int
    number: int
    text: str
    final: bool
    start: float | None = None
    end: float | None = None
    words: tuple[Word, ...] = ()


class Transcript:
    """The text so far: a stable (final) part and a volatile tail.

    The stable text is the longest run of final segments from the start: it
    can never change again, so it is what may be typed into another app.
    Everything after it is the volatile tail, shown but not yet delivered.
    """

    def __init__(self) -> None:
        self.segments: list[Segment] = []

    def apply(self, event: TranscriptEvent, run: int = 0, offset: float = 0.0) -> bool:
        """Apply one event from run ``run`` whose audio started ``offset``
        seconds into the dictation; returns whether the text changed."""
        before = self.text
        if isinstance(event, (Partial, Final)):
            self._set(run, event, offset)
        elif isinstance(event, ReplaceRange):
            self._replace(run, event)
        return self.text != before

    def finalize_all(self) -> None:
        """Keep every segment as it stands (the dictation ended, perhaps on an
        error): nothing more will revise it."""
        for segment in self.segments:
            segment.final = True

    def drop_volatile(self, run: int) -> None:
        """Forget the segments of ``run`` that are not final (its audio is
        being sent again on a new connection, which will produce them anew)."""
        self.segments = [s for s in self.segments if s.run != run or s.final]

    @property
    def stable_segments(self) -> list[Segment]:
        stable = []
        for segment in self.segments:
            if not segment.final:
                break
            stable.append(segment)
        return stable

    @property
    def stable_text(self) -> str:
        return join_pieces(s.text for s in self.stable_segments)

    @property
    def volatile_text(self) -> str:
        rest = self.segments[len(self.stable_segments) :]
        return join_pieces(s.text for s in rest)

    @property
    def text(self) -> str:
        return join_pieces(s.text for s in self.segments)

    def _find(self, run: int, number: int) -> Segment | None:
        return next((s for s in self.segments if s.run == run and s.number == number), None)

    def _insert(self, segment: Segment) -> None:
        keys = [(s.run, s.number) for s in self.segments]
        self.segments.insert(bisect.bisect(keys, (segment.run, segment.number)), segment)

    def _set(self, run: int, event: Partial | Final, offset: float) -> None:
        segment = self._find(run, event.segment)
        if segment is None:
            segment = Segment(run, event.segment, "", final=False)
            self._insert(segment)
        segment.text = event.text
        segment.final = isinstance(event, Final)
        if event.start is not None:
            segment.start = event.start + offset
        if event.end is not None:
            segment.end = event.end + offset
        if event.words:
            segment.words = tuple(
                Word(w.text, w.start + offset, w.end + offset) for w in event.words
            )

    def _replace(self, run: int, event: ReplaceRange) -> None:
        self.segments = [
            s
            for s in self.segments
            if s.final or s.run != run or not event.first <= s.number <= event.last
        ]
        self._insert(Segment(run, event.segment, event.text, final=False))
