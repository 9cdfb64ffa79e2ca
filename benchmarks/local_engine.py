"""Real-time factor and peak memory of the offline engine on 30 s of speech.

    .venv/bin/python benchmarks/local_engine.py [--model-dir DIR] [--seconds 30] [--threads N]

The audio is espeak-ng speech when espeak-ng is installed, else a synthetic
stand-in (tone bursts with pauses). Without ``--model-dir`` the tiny test
model from tests/helpers/tiny_model.py is built and used: it exercises the
real sherpa-onnx pipeline but is orders of magnitude smaller than a real
model, so its figures show the app's overhead, not a real model's cost. The
output says which model ran.

Figures: load time (until the provider reports CONNECTED), real-time factor
(recognition time / audio time, all audio queued at once), peak resident
memory of the process (ru_maxrss, before and after) and the peak of Python's
own allocations during recognition (tracemalloc; the engine's native memory
is not in it).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import wave
from pathlib import Path

import numpy as np
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dictation_app.core.events import Final, Status  # noqa: E402
from dictation_app.core.frame_queue import FrameQueue  # noqa: E402
from dictation_app.core.frames import SAMPLE_RATE  # noqa: E402
from dictation_app.providers.base import ProviderOptions  # noqa: E402
from dictation_app.providers.local import LocalProvider, default_num_threads  # noqa: E402
from tests.helpers.tiny_model import build_tiny_model, silence, to_frames, words  # noqa: E402

TEXT = (
    "The quick brown fox jumps over the lazy dog. "
    "Dictation turns speech into text while you speak. "
    "Each pause ends a sentence, and the next one begins. "
)


def speech(seconds: float, workdir: Path) -> tuple[np.ndarray, str]:
    """``seconds`` of 16 kHz float audio, and where it came from."""
    if shutil.which("espeak-ng") is None:
        return _synthetic(seconds), "synthetic tone bursts (espeak-ng is not installed)"
    wav = workdir / "speech.wav"
    repeats = 1 + int(seconds // 8)
    subprocess.run(["espeak-ng", "-w", str(wav), TEXT * repeats], check=True)
    with wave.open(str(wav)) as file:
        rate = file.getframerate()
        pcm = np.frombuffer(file.readframes(file.getnframes()), dtype="<i2")
    samples = soxr.resample(pcm.astype(np.float32) / 32768.0, rate, SAMPLE_RATE)
    needed = int(seconds * SAMPLE_RATE)
    while len(samples) < needed:
        samples = np.concatenate([samples, samples])
    return samples[:needed].astype(np.float32), "espeak-ng speech"


def _synthetic(seconds: float) -> np.ndarray:
    sentence = np.concatenate([words(6), silence(1.5)])
    repeats = int(seconds * SAMPLE_RATE) // len(sentence) + 1
    return np.tile(sentence, repeats)[: int(seconds * SAMPLE_RATE)]


async def measure(model_dir: Path, samples: np.ndarray, threads: int) -> dict[str, float | str]:
    """Load and recognise once for time, then once more under tracemalloc
    (which slows Python down) for its allocation peak."""
    options = ProviderOptions("zh_en", extra={"model_dir": str(model_dir), "num_threads": threads})
    rss_before = _max_rss_mib()
    began = time.perf_counter()
    events = LocalProvider(options, {}).transcribe(_queue(samples))
    assert isinstance(await anext(events), Status)
    loaded = time.perf_counter()
    finals = [event.text async for event in events if isinstance(event, Final)]
    done = time.perf_counter()
    tracemalloc.start()
    async for _ in LocalProvider(options, {}).transcribe(_queue(samples)):
        pass
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "load_seconds": loaded - began,
        "rtf": (done - loaded) / (len(samples) / SAMPLE_RATE),
        "rss_before_mib": rss_before,
        "rss_peak_mib": _max_rss_mib(),
        "python_peak_mib": python_peak / 2**20,
        "text": " / ".join(finals),
    }


def _queue(samples: np.ndarray) -> FrameQueue:
    """All the audio, queued at once: the engine runs as fast as it can."""
    frames = to_frames(samples)
    queue = FrameQueue(capacity=len(frames))
    for frame in frames:
        queue.put_nowait(frame)
    queue.close()
    return queue


def _max_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, help="a sherpa-onnx streaming model folder")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=default_num_threads())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        if args.model_dir is None:
            model_dir = build_tiny_model(workdir / "tiny-model")
            model = "the tiny TEST model (not a real one; figures show overhead only)"
        else:
            model_dir, model = args.model_dir, str(args.model_dir)
        samples, source = speech(args.seconds, workdir)
        figures = asyncio.run(measure(model_dir, samples, args.threads))
    print(f"model:               {model}")
    print(f"audio:               {args.seconds:.0f} s of {source}")
    print(f"threads:             {args.threads}")
    print(f"load time:           {figures['load_seconds']:.2f} s")
    print(f"real-time factor:    {figures['rtf']:.4f}  (recognition time / audio time)")
    print(f"peak RSS:            {figures['rss_peak_mib']:.0f} MiB "
          f"(before loading: {figures['rss_before_mib']:.0f} MiB)")
    print(f"peak Python allocs:  {figures['python_peak_mib']:.1f} MiB during a recognition")
    print(f"text:                {str(figures['text'])[:200]}")


if __name__ == "__main__":
    main()
