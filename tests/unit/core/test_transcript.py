from dictation_app.core.events import Final, Partial, ReplaceRange, Status, ProviderStatus
from dictation_app.core.transcript import Transcript


def test_partials_are_volatile_until_final():
    t = Transcript()
    assert t.apply(Partial(1, "hel"))
    assert (t.stable_text, t.volatile_text) == ("", "hel")
    t.apply(Partial(1, "hello"))
    t.apply(Final(1, "hello"))
    t.apply(Partial(2, "wor"))
    assert (t.stable_text, t.volatile_text, t.text) == ("hello", "wor", "hello wor")


def test_replace_range_replaces_earlier_results_in_place():
    # iFLYTEK wpgs: sn1 apd, sn2 apd, sn3 rpl [1, 2], sn4 apd
    t = Transcript()
    t.apply(Partial(1, "今天"))
    t.apply(Partial(2, "天汽"))
    t.apply(ReplaceRange(1, 2, 3, "今天天气"))
    t.apply(Partial(4, "很好"))
    assert t.text == "今天天气很好"
    t.apply(ReplaceRange(4, 4, 5, "真好"))
    assert t.text == "今天天气真好"
    assert [s.number for s in t.segments] == [3, 5]


def test_replace_range_never_touches_finals_or_other_runs():
    t = Transcript()
    t.apply(Final(1, "first"), run=0)
    t.apply(Partial(1, "second"), run=1)
    t.apply(ReplaceRange(1, 1, 2, "2nd"), run=1)
    assert t.text == "first 2nd"


def test_segments_read_in_number_order_as_in_the_vendor_demo():
    # a replacement takes a new, higher number: it reads after what it did not replace
    t = Transcript()
    t.apply(Partial(1, "a"))
    t.apply(Partial(2, "b"))
    t.apply(ReplaceRange(1, 1, 3, "c"))
    assert t.text == "b c"


def test_later_runs_stay_after_earlier_ones():
    t = Transcript()
    t.apply(Partial(1, "one"), run=0)
    t.apply(Final(1, "two"), run=1)
    t.apply(Partial(2, "more"), run=0)
    assert t.text == "one more two"
    assert t.stable_text == ""
    t.apply(Final(1, "one"), run=0)
    t.apply(Final(2, "more"), run=0)
    assert t.stable_text == "one more two"


def test_times_are_shifted_by_the_run_offset():
    t = Transcript()
    t.apply(Final(1, "x", start=1.0, end=2.0), run=1, offset=55.0)
    assert (t.segments[0].start, t.segments[0].end) == (56.0, 57.0)


def test_status_does_not_change_text_and_finalize_keeps_everything():
    t = Transcript()
    assert not t.apply(Status(ProviderStatus.CONNECTED))
    t.apply(Partial(1, "kept"))
    t.finalize_all()
    assert t.stable_text == "kept"


def test_drop_volatile_forgets_only_that_runs_partials():
    t = Transcript()
    t.apply(Final(1, "a"), run=0)
    t.apply(Partial(2, "b"), run=0)
    t.apply(Partial(1, "c"), run=1)
    t.drop_volatile(0)
    assert t.text == "a c"
