"""The import's posting buffer in a worker process, so tokenising runs on a second core.

Why: a bulk import is bound by CPU in Python, and one thread holds the GIL. About half
of the import's CPU time goes to tokenising every variant for the candidate index
(`tm.postings.buffer_texts`), work that needs the texts but no database: a child
process does it while the importing process parses the file and writes rows, and
sends back packed chunks when the postings are flushed. The texts cross the pipe
once (pickled); measured, that costs a tenth of what it moves off the main thread.

Why a plain child (`python -c "from tm.postings import serve; serve()"`) and not
multiprocessing: spawn would re-import the caller's main module (a script without a
main guard would run again), fork is unsafe with the import's writer thread, and the
child needs nothing but `tm.postings`. It inherits nothing but the environment and
dies with its pipe: when the parent stops (or is killed), the child reads end of
input and exits.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # Windows: no fcntl, default pipes
    fcntl = None  # type: ignore[assignment]

from tm import postings
from tm.errors import TMError
from tm.postings import Chunk, Count

# `count` must bound the child's memory like PostingBuffer.count does, but the parent
# never sees the tokens: it estimates from the texts sent. Overestimating only means
# flushing a little earlier.
POSTINGS_PER_TEXT = 16
# The worker packs its postings itself every FLUSH_AT (tm.postings.serve); the parent
# drains them after this many (estimated) postings and hands them to its background
# writer, and once more before commit.
WORKER_FLUSH_AT = 8_000_000
# Pipe capacity asked for in each direction (Linux's default is 64 KiB). A batch of
# texts pickles to ~400 KiB: with the default the importer blocked in `add` whenever
# the child was busy packing (measured at 1M units: 7.8 s blocked; 4.9 s with 1 MiB).
PIPE_BYTES = 1 << 20
# The child's program; {flush_at} is the parent's tm.postings.FLUSH_AT (tests lower it,
# and point the program at a child that fails).
WORKER_CODE = "from tm.postings import serve; serve({flush_at})"


class WorkerBuffer:
    """A PostingBuffer living in a child process (same `add`, `drain`, `close`)."""

    def __init__(self) -> None:
        self.count = 0
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # where `tm` is importable from
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self._proc = subprocess.Popen(
            [sys.executable, "-c", WORKER_CODE.format(flush_at=postings.FLUSH_AT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        for pipe in (self._proc.stdin, self._proc.stdout):
            _widen(pipe)

    def add(self, memory_id: int, items: Iterable[tuple[int, str, str]]) -> None:
        batch = list(items)
        self._send(("add", memory_id, batch))
        self.count += POSTINGS_PER_TEXT * len(batch)

    def drain(self) -> tuple[list[Chunk], list[Count]]:
        self._send(("drain",), flush=True)
        assert self._proc.stdout is not None
        try:
            chunks, counts = pickle.load(self._proc.stdout)
        except (EOFError, pickle.UnpicklingError, OSError):
            raise self._failed() from None
        self.count = 0
        return chunks, counts

    def close(self) -> None:
        """Stop the child (it exits at end of input); kill it if it does not."""
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.close()
            except OSError:
                pass
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()

    def _send(self, message: tuple[object, ...], *, flush: bool = False) -> None:
        assert self._proc.stdin is not None
        try:
            pickle.dump(message, self._proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            if flush:
                self._proc.stdin.flush()
        except OSError:  # BrokenPipeError: the child is gone
            raise self._failed() from None

    def _failed(self) -> TMError:
        try:
            code = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            code = self._proc.wait()
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        why = lines[-1] if lines else "no message"
        return TMError(f"the fuzzy-index worker process stopped (exit code {code}): {why}")


def _widen(pipe: IO[bytes] | None) -> None:
    """Ask for a PIPE_BYTES pipe buffer (Linux; capped by /proc/sys/fs/pipe-max-size).

    Elsewhere, or when refused, the default stays: only speed depends on it.
    """
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setsize is None or pipe is None:
        return
    limit = PIPE_BYTES
    with contextlib.suppress(OSError, ValueError):
        limit = min(limit, int(Path("/proc/sys/fs/pipe-max-size").read_text()))
    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), setsize, limit)
