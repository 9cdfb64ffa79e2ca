"""What the fake iFLYTEK service "recognises": a test-supplied script of results.

A script is a list of :class:`Result`. The fake numbers them ``sn`` = 1, 2, ... in order and
sends each once ``after_audio_seconds`` of audio have arrived (0 = with the first frame).
When the client sends ``status: 2`` the rest are flushed, the last one marked
``data.status = 2`` and ``ls = true``; with nothing left, an extra empty result (``ws: []``)
carries the end marker, so its ``sn`` is ``len(script) + 1``.

Word strings are sent exactly as scripted and :func:`expected_text` joins them with no
separator: a Chinese script is ``["你好", "世界"]``; an English script spells its own spaces,
``["hello", " world"]``.

Shapes follow the pages' "Returned Parameters" examples (iat page; the ist example is the
same with ``context_id``): ``data.result = {bg, ed, ls, sn, ws: [{bg, cw: [{sc, w}]}]}`` plus
``pgs``/``rg`` only with ``dwa=wpgs`` and ``vad`` only with ``vinfo=1`` and no wpgs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Word = str | tuple[str, ...]  # one word, or candidates (cw[0] first) for nbest/wbest
FRAME_MS = 10  # vad/ws "bg"/"ed" are in frames, "1 frame = 10ms"


@dataclass(frozen=True)
class Result:
    """One scripted recognition result.

    ``words``: each item becomes one ``ws`` entry; a tuple gives several ``cw`` candidates
    (sent only when the client asked for ``nbest``/``wbest`` >= 2, as the page says).
    ``pgs``: None, "apd" or "rpl"; ``rg`` (required with "rpl"): the inclusive ``sn`` range
    replaced. ``after_audio_seconds``: audio needed before the result is sent.
    """

    words: Sequence[Word]
    pgs: str | None = None
    rg: tuple[int, int] | None = None
    after_audio_seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.pgs not in (None, "apd", "rpl"):
            raise ValueError(f"pgs must be None, 'apd' or 'rpl', not {self.pgs!r}")
        if self.pgs == "rpl" and self.rg is None:
            raise ValueError("a 'rpl' result needs rg=(first_sn, last_sn)")

    @property
    def text(self) -> str:
        """The words' first candidates joined with no separator."""
        return "".join(first_candidate(w) for w in self.words)


def first_candidate(word: Word) -> str:
    """``cw[0].w`` of a scripted word."""
    return word if isinstance(word, str) else word[0]


def validate_script(script: Sequence[Result]) -> None:
    """Raise ValueError if an ``rg`` does not name earlier results (1 <= a <= b < sn)."""
    for sn, result in enumerate(script, start=1):
        if result.rg is not None:
            a, b = result.rg
            if not 1 <= a <= b < sn:
                raise ValueError(f"result sn={sn}: rg={result.rg} must satisfy 1 <= a <= b < {sn}")


def expected_text(script: Sequence[Result], *, wpgs: bool = True) -> str:
    """The final text a correct client shows after applying the script's corrections.

    Without wpgs (``business.dwa != "wpgs"``) the fake sends no ``pgs``, so results simply
    concatenate. With wpgs, a ``rpl`` result first drops the results numbered ``rg[0]..rg[1]``,
    then every result is kept under its ``sn``; the text is the kept results in ``sn`` order.
    """
    kept: dict[int, str] = {}
    for sn, result in enumerate(script, start=1):
        if wpgs and result.pgs == "rpl" and result.rg is not None:
            for old in range(result.rg[0], result.rg[1] + 1):
                kept.pop(old, None)
        kept[sn] = result.text
    return "".join(kept[sn] for sn in sorted(kept))


@dataclass(frozen=True)
class ResultOptions:
    """What the client's ``business`` asked for that changes the result shape."""

    wpgs: bool = False  # dwa == "wpgs"
    vinfo: bool = False  # vinfo == 1 (ignored with wpgs, per the page)
    candidates: bool = False  # nbest or wbest >= 2


def options_from_business(business: dict[str, Any], *, force_candidates: bool = False) -> ResultOptions:
    """Read ``dwa``, ``vinfo``, ``nbest``, ``wbest`` from the first frame's ``business``."""
    wpgs = business.get("dwa") == "wpgs"
    many = any(isinstance(business.get(k), int) and business[k] >= 2 for k in ("nbest", "wbest"))
    return ResultOptions(wpgs=wpgs, vinfo=business.get("vinfo") == 1 and not wpgs,
                         candidates=many or force_candidates)


def _ws_entries(words: Sequence[Word], opts: ResultOptions, span: tuple[int, int]) -> list[dict[str, Any]]:
    """``ws`` items; word ``bg`` spreads over the vad span with vinfo (else 0, "only valid with vinfo")."""
    entries: list[dict[str, Any]] = []
    step = (span[1] - span[0]) // max(len(words), 1)
    for i, word in enumerate(words):
        cands = (word,) if isinstance(word, str) else tuple(word)
        if not opts.candidates:
            cands = cands[:1]
        bg = span[0] + i * step if opts.vinfo else 0
        entries.append({"bg": bg, "cw": [{"sc": 0, "w": w} for w in cands]})
    return entries


def result_payload(
    result: Result | None,
    *,
    sn: int,
    last: bool,
    opts: ResultOptions,
    audio_span_seconds: tuple[float, float],
) -> dict[str, Any]:
    """``data.result`` for one scripted result (None = the empty end-of-results marker).

    ``audio_span_seconds``: audio position of the previous result and of this one, used for
    ``vad.ws[0].bg/ed`` in 10 ms frames when vinfo is on.
    """
    span = (round(audio_span_seconds[0] * 1000 / FRAME_MS), round(audio_span_seconds[1] * 1000 / FRAME_MS))
    words: Sequence[Word] = result.words if result is not None else ()
    body: dict[str, Any] = {"bg": 0, "ed": 0, "ls": last, "sn": sn, "ws": _ws_entries(words, opts, span)}
    if opts.wpgs:
        body["pgs"] = result.pgs if result is not None and result.pgs else "apd"
        if result is not None and result.rg is not None:
            body["rg"] = list(result.rg)
    if opts.vinfo and words:
        body["vad"] = {"ws": [{"bg": span[0], "ed": span[1], "eg": 50.0}]}
    return body
