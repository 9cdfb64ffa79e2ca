"""The injection guard: active while we inject and for a grace after."""

from dictation_app.desktop.injection_guard import InjectionGuard


def test_active_during_and_shortly_after_injection():
    now = [100.0]
    guard = InjectionGuard(grace=0.05, clock=lambda: now[0])
    assert not guard.active()
    with guard.injecting():
        with guard.injecting():
            assert guard.active()
        assert guard.active()
    assert guard.active()  # our events may still be on their way to the listener
    now[0] += 0.06
    assert not guard.active()
