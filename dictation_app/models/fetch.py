"""Fetching one file over HTTP(S) into a ``.part`` file that survives
interruptions.

A fetch continues where the ``.part`` file ends with ``Range: bytes=N-``
(RFC 9110 §14.2). A server that answers ``206 Partial Content`` from byte N
is appended to; one that ignores the range and answers ``200`` starts the file
again; ``416`` (the range lies past the end) means the part is not the file
the server has, so it is discarded and fetched whole.

Blocking: runs on a worker thread. It stops between chunks when ``stop`` is
set, keeping what arrived for the next fetch.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.client import HTTPException, HTTPResponse
from pathlib import Path
from typing import BinaryIO

from dictation_app import __version__
from dictation_app.models.errors import MIRROR_HINT, DownloadCancelled, DownloadFailed

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 30.0
REPORT_EVERY_SECONDS = 0.2
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@dataclasses.dataclass(frozen=True, slots=True)
class DownloadProgress:
    """How far a download is: ``total_bytes`` and ``seconds_left`` are
    ``None`` while unknown; ``bytes_per_second`` is this attempt's average."""

    done_bytes: int
    total_bytes: int | None
    bytes_per_second: float
    seconds_left: float | None

    @property
    def fraction(self) -> float | None:
        return self.done_bytes / self.total_bytes if self.total_bytes else None


def fetch(
    url: str,
    part: Path,
    *,
    label: str,
    stop: threading.Event,
    report: Callable[[DownloadProgress], None] | None = None,
    expected_size: int | None = None,
) -> None:
    """Complete ``part`` with the body of ``url``.

    ``label`` names the download in errors. Returns once ``part`` holds the
    whole body; raises :class:`DownloadFailed` when the network fails or the
    server refuses (``part`` keeps what arrived), and
    :class:`DownloadCancelled` once ``stop`` is set.
    """
    part.parent.mkdir(parents=True, exist_ok=True)
    offset = part.stat().st_size if part.exists() else 0
    if expected_size is not None and offset == expected_size:
        return
    if expected_size is not None and offset > expected_size:
        part.unlink()
        offset = 0
    try:
        response = _open(url, offset, label)
    except _RangeNotSatisfiable:
        part.unlink()
        offset = 0
        response = _open(url, 0, label)
    with response:
        start, total = _body_extent(response, offset, expected_size, label)
        # Unbuffered, so every chunk received is on disk for a resume, even
        # one after a crash or from a worker that was abandoned mid-read.
        with part.open("ab" if start else "wb", buffering=0) as file:
            done = _copy(response, file, start, total, label, stop, report)
    if total is not None and done < total:
        raise DownloadFailed(
            f"Could not download {label}: the connection closed after {done} of {total} bytes.",
            MIRROR_HINT + " Trying again continues where it stopped.",
        )


class _RangeNotSatisfiable(Exception):
    pass


def _open(url: str, offset: int, label: str) -> HTTPResponse:
    request = urllib.request.Request(url, headers={"User-Agent": f"dictation-app/{__version__}"})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    try:
        response: HTTPResponse = urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 416 and offset:
            raise _RangeNotSatisfiable from error
        raise DownloadFailed(
            f"Could not download {label}: the server answered {error.code} {error.reason}.",
            MIRROR_HINT,
        ) from error
    except (urllib.error.URLError, OSError, HTTPException) as error:
        reason = getattr(error, "reason", None) or error
        raise DownloadFailed(f"Could not download {label}: {reason}.", MIRROR_HINT) from error
    return response


def _body_extent(
    response: HTTPResponse, offset: int, expected_size: int | None, label: str
) -> tuple[int, int | None]:
    """Where the body starts in the file, and the file's whole size if known."""
    length = response.getheader("Content-Length")
    if response.status == 206:
        match = _CONTENT_RANGE.fullmatch(response.getheader("Content-Range", "").strip())
        if match is None or int(match.group(1)) != offset:
            raise DownloadFailed(
                f"Could not download {label}: the server resumed at the wrong place.",
                MIRROR_HINT,
            )
        size = match.group(3)
        return offset, int(size) if size != "*" else expected_size
    return 0, int(length) if length is not None else expected_size


def _copy(
    response: HTTPResponse,
    file: BinaryIO,
    start: int,
    total: int | None,
    label: str,
    stop: threading.Event,
    report: Callable[[DownloadProgress], None] | None,
) -> int:
    done = start
    began = time.monotonic()
    last_report = -REPORT_EVERY_SECONDS  # the first chunk is reported at once
    while True:
        if stop.is_set():
            raise DownloadCancelled(
                f"The download of {label} was stopped after {done} bytes.",
                "Start it again to continue where it stopped.",
            )
        try:
            # read1: whatever has arrived, so a slow link still reports progress.
            chunk = response.read1(CHUNK)
        except (OSError, HTTPException) as error:
            raise DownloadFailed(
                f"Could not download {label}: the connection broke ({error}).",
                MIRROR_HINT + " Trying again continues where it stopped.",
            ) from error
        if not chunk:
            break
        file.write(chunk)
        done += len(chunk)
        now = time.monotonic()
        if report is not None and now - last_report >= REPORT_EVERY_SECONDS:
            report(_progress(done, start, total, now - began))
            last_report = now
    if report is not None:
        report(_progress(done, start, total, time.monotonic() - began))
    return done


def _progress(done: int, start: int, total: int | None, elapsed: float) -> DownloadProgress:
    speed = (done - start) / elapsed if elapsed > 0 else 0.0
    left = (total - done) / speed if total is not None and speed > 0 else None
    return DownloadProgress(done, total, speed, left)
