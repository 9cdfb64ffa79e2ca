"""Frame pacing, client-added latency and import cost of the dictation pipeline.

    .venv/bin/python benchmarks/pipeline.py [--pacing-seconds 300] [--dictations 50]

Figures (budgets from the design notes in brackets):

- pacing: a paced WAV source over ``--pacing-seconds`` of audio: median frame
  interval [40 ms ± 1 ms] and cumulative drift of the last frame against its
  schedule [< 40 ms].
- latency: ``--dictations`` short iFLYTEK iat dictations against the fake
  service on loopback, which answers the end-of-audio marker at once: time
  from the last frame entering the session to the final text reaching a
  listener [p99 ≤ 10 ms]. The fake answers in microseconds, so this is the
  client's own time plus one loopback round trip.
- imports: wall time of importing the window's module against importing bare
  Qt widgets, each in a fresh interpreter [start-up ≤ 1.5 × a bare window].
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dictation_app.audio.wav_source import WavFileSource  # noqa: E402
from dictation_app.core.frames import FRAME_SECONDS, Frame  # noqa: E402
from dictation_app.providers.base import ProviderOptions  # noqa: E402
from dictation_app.providers.iflytek_iat import IatProvider  # noqa: E402
from dictation_app.session import DictationSession, TranscriptChanged  # noqa: E402
from tests.fakes.iflytek_server import FakeIflytek, Result  # noqa: E402

KEY, SECRET, APP = "k" * 32, "s" * 32, "bench"


async def pacing(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tone.wav"
        samples = (3000 * np.sin(np.arange(int(seconds * 16000)) / 10)).astype("<i2")
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(16000)
            wav.writeframes(samples.tobytes())
        arrivals = []
        async for _ in WavFileSource(path, paced=True):
            arrivals.append(time.monotonic())
    intervals = np.diff(arrivals) * 1000
    drift = (arrivals[-1] - arrivals[0] - (len(arrivals) - 1) * FRAME_SECONDS) * 1000
    print(f"pacing: {len(arrivals)} frames over {seconds:g} s: median interval "
          f"{np.median(intervals):.3f} ms, p99 {np.percentile(intervals, 99):.2f} ms, "
          f"cumulative drift {drift:+.2f} ms")


async def latency(dictations: int) -> None:
    tone = (8000 * np.sin(np.arange(640) / 5)).astype("<i2")
    samples: list[float] = []
    async with FakeIflytek(api_key=KEY, api_secret=SECRET, app_id=APP,
                           script=[Result(["好"], pgs="apd", after_audio_seconds=99)]) as fake:
        for _ in range(dictations):
            last_frame_at: list[float] = []

            async def frames():
                for i in range(10):
                    await asyncio.sleep(FRAME_SECONDS)
                    last_frame_at[:] = [time.perf_counter()]
                    yield Frame.from_samples(tone, time.monotonic(), i)

            final_at: list[float] = []
            provider = IatProvider(ProviderOptions("zh_cn", endpoint=fake.url),
                                   {"app_id": APP, "api_key": KEY, "api_secret": SECRET})
            session = DictationSession(provider, frames())
            session.subscribe(lambda u: final_at.append(time.perf_counter())
                              if isinstance(u, TranscriptChanged) and u.stable == "好" and not final_at else None)
            await session.run()
            samples.append((final_at[0] - last_frame_at[0]) * 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"latency: last frame → final text over {dictations} dictations: median "
          f"{statistics.median(samples):.2f} ms, p99 {p99:.2f} ms (includes waiting for the next "
          f"send slot, at most {FRAME_SECONDS * 900:.0f} ms)")


def import_seconds(statement: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True, cwd=ROOT)
        best = min(best, time.perf_counter() - started)
    return best


def imports() -> None:
    bare = import_seconds("import PySide6.QtWidgets")
    window = import_seconds("import dictation_app.ui.main_window")
    print(f"imports: bare Qt widgets {bare * 1000:.0f} ms, the app's window {window * 1000:.0f} ms "
          f"(ratio {window / bare:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pacing-seconds", type=float, default=300)
    parser.add_argument("--dictations", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(latency(args.dictations))
    imports()
    asyncio.run(pacing(args.pacing_seconds))


if __name__ == "__main__":
    main()
