"""Audio frames: the unit that flows from every source to every provider.

A frame is exactly 40 ms of 16 kHz mono signed 16-bit little-endian PCM,
1280 bytes, stamped with the monotonic time its first sample was captured.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 16_000
FRAME_MS = 40
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000
SAMPLE_WIDTH = 2
FRAME_BYTES = FRAME_SAMPLES * SAMPLE_WIDTH
FRAME_SECONDS = FRAME_MS / 1000


@dataclasses.dataclass(frozen=True, slots=True)
class Frame:
    """One 40 ms block of audio.

    ``pcm`` holds 1280 bytes of s16le samples; ``captured_at`` is the
    ``time.monotonic()`` reading of its first sample; ``index`` counts frames
    from 0 within one source; ``rms`` and ``peak`` are levels in 0..1 for a
    meter and for finding pauses in speech.
    """

    pcm: bytes
    captured_at: float
    index: int
    rms: float
    peak: float

    def __post_init__(self) -> None:
        if len(self.pcm) != FRAME_BYTES:
            raise ValueError(f"a frame holds {FRAME_BYTES} bytes, not {len(self.pcm)}")

    @classmethod
    def from_samples(cls, samples: np.ndarray, captured_at: float, index: int) -> Frame:
        """Build a frame from 640 int16 samples, measuring its levels."""
        import numpy as np  # here, not at the top: the window starts faster without it

        samples = np.asarray(samples, dtype="<i2")
        scaled = samples.astype(np.float32) / 32768.0
        rms = float(np.sqrt(np.mean(scaled * scaled))) if scaled.size else 0.0
        peak = float(np.max(np.abs(scaled))) if scaled.size else 0.0
        return cls(samples.tobytes(), captured_at, index, rms, peak)

    @classmethod
    def from_pcm(cls, pcm: bytes, captured_at: float, index: int) -> Frame:
        import numpy as np

        return cls.from_samples(np.frombuffer(pcm, dtype="<i2"), captured_at, index)

    def samples(self) -> np.ndarray:
        """The frame as int16 samples (a read-only view)."""
        import numpy as np

        return np.frombuffer(self.pcm, dtype="<i2")

    def float_samples(self) -> np.ndarray:
        """The frame as float32 samples in -1..1, as local engines want them."""
        import numpy as np

        return self.samples().astype(np.float32) / 32768.0


def silence(captured_at: float, index: int) -> Frame:
    """A frame of digital silence (used to keep idle connections alive)."""
    return Frame(bytes(FRAME_BYTES), captured_at, index, 0.0, 0.0)
