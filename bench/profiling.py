"""Short profiles for the report: cProfile for work in this process, py-spy (sampling, from
outside, GIL-aware) for the service's own processes and their threads."""

from __future__ import annotations

import cProfile
import pstats
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = str(Path(__file__).resolve().parent.parent)
OURS = ("domain/", "kanalarkiv/", "projections/", "api/", "retention/")


def profile_in_process(work: Callable[[], Any], top: int = 12) -> str:
    """A Markdown table of the functions where ``work`` spent most of its own time (cProfile)."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        work()
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in stats.values()) or 1.0
    lines = [
        "cProfile, one client. Own time per function:",
        "",
        "| function | calls | own s | own % | cumulative s |",
        "|---|--:|--:|--:|--:|",
    ]
    for (filename, line, name), (_, calls, own, cumulative, _) in sorted(
        stats.items(), key=lambda item: item[1][2], reverse=True
    )[:top]:
        lines.append(
            f"| `{_short(filename)}:{line} {name}` | {calls} | {own:.3f} | {own / total:.0%} | {cumulative:.3f} |"
        )
    lines += [
        "",
        "Cumulative time in our code and the libraries it calls directly:",
        "",
        "| function | calls | cumulative s | share |",
        "|---|--:|--:|--:|",
    ]
    layers = (*OURS, "eventsourcing/", "psycopg_pool/")
    wall = max((entry[3] for entry in stats.values()), default=1.0) or 1.0
    ours = [(key, entry) for key, entry in stats.items() if _short(key[0]).startswith(layers)]
    for (filename, line, name), (_, calls, _, cumulative, _) in sorted(ours, key=lambda item: item[1][3], reverse=True)[
        :top
    ]:
        lines.append(f"| `{_short(filename)}:{line} {name}` | {calls} | {cumulative:.3f} | {cumulative / wall:.0%} |")
    return "\n".join(lines)


class Sampler:
    """py-spy sampling another process while it works; only samples where a thread holds the
    GIL, so the share of samples per function is where the process spends Python CPU time."""

    def __init__(self, pid: int, out: Path, max_seconds: float, rate: int = 250):
        self.pid, self.out, self.max_seconds, self.rate = pid, out, max_seconds, rate
        self.process: subprocess.Popen[bytes] | None = None
        self.began = 0.0
        self.seconds = 0.0

    @staticmethod
    def available() -> bool:
        return _py_spy() is not None

    def __enter__(self) -> Sampler:
        executable = _py_spy()
        if executable is not None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.process = subprocess.Popen(
                [
                    executable,
                    "record",
                    "--gil",
                    "--nonblocking",
                    "--subprocesses",  # a rebuild's processes too
                    "--format",
                    "raw",
                    "-r",
                    str(self.rate),
                    "-d",
                    str(int(self.max_seconds) + 1),
                    "--pid",
                    str(self.pid),
                    "-o",
                    str(self.out),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.began = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        self.seconds = time.monotonic() - self.began
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def summary(self, top: int = 10) -> str:
        if self.process is None or not self.out.exists():
            return "(no profile: py-spy is not installed; `make bench` installs it)"
        return summarise(self.out, self.seconds, self.rate, top)


def summarise(raw: Path, seconds: float, rate: int, top: int = 10) -> str:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_frame(frame) for frame in stack.split(";")]
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
    if not total:
        return "(no samples: the process held the GIL too rarely to be sampled)"
    busy = total / max(seconds * rate, 1)
    lines = [
        f"py-spy, {total} samples while a thread held the GIL over {seconds:.1f} s "
        f"(the GIL was busy about {busy:.0%} of the time, summed over the processes sampled).",
        "",
        "| own time (leaf function) | share | | our code, inclusive | share |",
        "|---|--:|---|---|--:|",
    ]
    ours = [
        (frame, n)
        for frame, n in inclusive.most_common()
        if frame.split(" ", 1)[-1].startswith(OURS) and frame.split(" ", 1)[0] not in _ENTRY_POINTS
    ]
    for index, (frame, n) in enumerate(own.most_common(top)):
        right = ours[index] if index < len(ours) else ("", 0)
        lines.append(
            f"| `{frame}` | {n / total:.0%} | | {'`' + right[0] + '`' if right[0] else ''} | "
            f"{f'{right[1] / total:.0%}' if right[0] else ''} |"
        )
    return "\n".join(lines)


_ENTRY_POINTS = {"main", "serve", "ProjectionWorker.run"}
_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>[^():]+)(?::\d+)?\)$")


def _frame(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    return f"{match['name']} {_short(match['file'])}"


def _short(filename: str) -> str:
    for marker in ("site-packages/", REPO + "/", "lib/python3"):
        if marker in filename:
            return (
                filename.split(marker, 1)[1].lstrip("./0123456789")
                if marker == "lib/python3"
                else filename.split(marker, 1)[1]
            )
    return filename


def _py_spy() -> str | None:
    candidate = Path(sys.executable).with_name("py-spy")
    return str(candidate) if candidate.exists() else shutil.which("py-spy")
