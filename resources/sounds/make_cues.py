"""Generate the start/stop cue sounds (run once; the WAVs are committed).

    python resources/sounds/make_cues.py

Two short sine chimes at 22.05 kHz, 16-bit mono, with smooth fades so they
do not click: rising for "listening", falling for "stopped", and a low
double tone for an error. Soft (-12 dBFS) so they never startle.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 22_050
LEVEL = 10 ** (-12 / 20)


def tone(frequency: float, seconds: float) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.012)  # 12 ms ramps
    return np.sin(2 * np.pi * frequency * t) * fade


def chime(*frequencies: float, note: float = 0.07, gap: float = 0.015) -> np.ndarray:
    silence = np.zeros(int(RATE * gap))
    parts = []
    for frequency in frequencies:
        parts += [tone(frequency, note), silence]
    return np.concatenate(parts[:-1])


def write(path: Path, signal: np.ndarray) -> None:
    samples = np.round(signal * LEVEL * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())


if __name__ == "__main__":
    here = Path(__file__).parent
    write(here / "start.wav", chime(660.0, 880.0))
    write(here / "stop.wav", chime(880.0, 660.0))
    write(here / "error.wav", chime(330.0, 330.0, note=0.09, gap=0.04))
