"""The one QObject that turns controller and session updates into Qt signals.

Updates arrive on the event loop's thread, which under qasync is the GUI
thread, so signals are emitted directly. Widgets connect to these signals and
never see the controller's update types.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from dictation_app.controller import (
    ControllerUpdate,
    DictationController,
    DictationFinished,
    DictationStarted,
    ProblemReported,
)
from dictation_app.core.events import ProviderFailed
from dictation_app.session import AudioLevel, StateChanged, TranscriptChanged


class SessionBridge(QObject):
    """Signals of one controller.

    ``started(provider_id, language)``; ``transcript_changed(stable, volatile)``
    with the whole text of the dictation so far; ``final_added(text)`` with the
    part that just became stable; ``partial_changed(volatile)``;
    ``state_changed(SessionState)``; ``level_changed(rms, peak)`` in 0..1;
    ``failed(DictationError)`` when a dictation stops on an error or cannot
    start; ``problem(DictationError)`` for trouble that does not stop it;
    ``finished(DictationFinished)`` once a dictation is over.
    """

    started = Signal(str, str)
    transcript_changed = Signal(str, str)
    final_added = Signal(str)
    partial_changed = Signal(str)
    state_changed = Signal(object)
    level_changed = Signal(float, float)
    failed = Signal(object)
    problem = Signal(object)
    finished = Signal(object)

    def __init__(self, controller: DictationController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stable = ""
        self._volatile = ""
        controller.subscribe(self._on_update)

    def _on_update(self, update: ControllerUpdate) -> None:
        if isinstance(update, TranscriptChanged):
            self._on_text(update.stable, update.volatile)
        elif isinstance(update, AudioLevel):
            self.level_changed.emit(update.rms, update.peak)
        elif isinstance(update, StateChanged):
            self.state_changed.emit(update.state)
        elif isinstance(update, ProviderFailed):
            self.failed.emit(update.error)
        elif isinstance(update, ProblemReported):
            self.problem.emit(update.error)
        elif isinstance(update, DictationStarted):
            self._stable = self._volatile = ""
            self.started.emit(update.provider, update.language)
        elif isinstance(update, DictationFinished):
            self.finished.emit(update)

    def _on_text(self, stable: str, volatile: str) -> None:
        if stable != self._stable and stable.startswith(self._stable):
            self.final_added.emit(stable[len(self._stable) :])
        if volatile != self._volatile:
            self.partial_changed.emit(volatile)
        self._stable, self._volatile = stable, volatile
        self.transcript_changed.emit(stable, volatile)
