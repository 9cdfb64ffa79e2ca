"""Property tests: replaying dynamic-correction results through the transcript
model gives what the vendor's reference algorithm gives (an array indexed by
``sn``; a ``rpl`` result blanks the range ``rg`` before taking its place)."""

from hypothesis import given
from hypothesis import strategies as st

from dictation_app.core.events import Final, Partial, ReplaceRange
from dictation_app.core.text import join_pieces, needs_space
from dictation_app.core.transcript import Transcript

pieces = st.text(alphabet="今天气很好。，abc ", min_size=1, max_size=4)


@st.composite
def wpgs_results(draw):
    """A sequence of (sn, pgs, rg, text) as the service could send it."""
    results = []
    for sn in range(1, draw(st.integers(1, 12)) + 1):
        if sn > 1 and draw(st.booleans()):
            first = draw(st.integers(1, sn - 1))
            last = draw(st.integers(first, sn - 1))
            results.append((sn, "rpl", (first, last), draw(pieces)))
        else:
            results.append((sn, "apd", None, draw(pieces)))
    return results


def reference_text(results):
    slots = {}
    for sn, pgs, rg, text in results:
        if pgs == "rpl":
            for old in range(rg[0], rg[1] + 1):
                slots.pop(old, None)
        slots[sn] = text
    return [slots[sn] for sn in sorted(slots)]


@given(wpgs_results())
def test_replay_matches_the_reference_algorithm(results):
    transcript = Transcript()
    for sn, pgs, rg, text in results:
        if pgs == "rpl":
            transcript.apply(ReplaceRange(rg[0], rg[1], sn, text))
        else:
            transcript.apply(Partial(sn, text))
    assert [s.text for s in transcript.segments] == reference_text(results)
    assert transcript.text == join_pieces(reference_text(results))
    assert transcript.stable_text == ""


@given(wpgs_results())
def test_finals_split_stable_from_volatile_and_join_back(results):
    transcript = Transcript()
    for sn, _, _, text in results:
        event = Final(sn, text) if sn % 2 else Partial(sn, text)
        transcript.apply(event)
    stable, volatile = transcript.stable_text, transcript.volatile_text
    assert transcript.text == join_pieces([p for p in (stable, volatile) if p])


@given(st.lists(st.text(alphabet="ab,. 你好", min_size=1, max_size=5), max_size=8))
def test_joining_never_doubles_or_invents_spaces_around_existing_ones(parts):
    joined = join_pieces(parts)
    assert joined.replace(" ", "") == "".join(parts).replace(" ", "")
    for left, right in zip(parts, parts[1:]):
        if not needs_space(left, right):
            continue
        assert not left.endswith(" ") and not right.startswith(" ")
