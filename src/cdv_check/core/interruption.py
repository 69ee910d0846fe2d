"""Ctrl-C (SIGINT) and SIGTERM during a check: one mechanism for both, whatever sends them.

A terminal sends SIGINT to the whole process group (Ctrl-C, maybe twice), a CI job that is
cancelled or `timeout` sends SIGTERM to the main process or to the group. Whichever comes, and
however often: the first one stops the batch (the workers are ended, see `batch`), the dossiers
done so far are reported whole and the report is closed, marked interrupted; the exit code is
128 + the signal (130, 143). Later signals are ignored until the process ends, its interpreter's
shutdown included (where Python would let them kill the process with the end of the report still
in its buffer): the report being closed is never cut.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interruption:
    """The first signal received, and where it may stop the run at once."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._owner = os.getpid()
        self._waiting = False
        self._abandoning = False

    @property
    def exit_code(self) -> int:
        return 128 + (self.signum or signal.SIGINT)

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """While waiting for the next result, the first signal stops at once (KeyboardInterrupt).

        Anywhere else (writing a dossier's report, closing the report), a signal is only noted,
        and obeyed at the next wait: no line of the report is ever cut.
        """
        if self.signum is not None:
            raise KeyboardInterrupt
        self._waiting = True
        try:
            yield
        finally:
            self._waiting = False

    @contextmanager
    def abandoning(self) -> Iterator[None]:
        """While the end of the report is written (after the last dossier), a first signal stops
        at once (KeyboardInterrupt): the report is abandoned, and no file written, rather than
        the signal waiting minutes for a large workbook. A signal that already stopped the batch
        does not: the report of the dossiers done is being closed, and later signals are ignored.
        """
        self._abandoning = True
        try:
            yield
        finally:
            self._abandoning = False

    def check(self) -> None:
        """Stop here (KeyboardInterrupt) if a signal came."""
        if self.signum is not None:
            raise KeyboardInterrupt

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if os.getpid() != self._owner:  # a worker, forked before it set its own handlers
            return
        if self.signum is not None:  # already stopping: the report is being closed
            return
        self.signum = signum
        for other in SIGNALS:
            signal.signal(other, signal.SIG_IGN)
        if self._waiting or self._abandoning:
            raise KeyboardInterrupt


@contextmanager
def signals_caught() -> Iterator[Interruption]:
    """SIGINT and SIGTERM go to one Interruption until the end of the block."""
    interruption = Interruption()
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield interruption
        return
    previous = {signum: signal.signal(signum, interruption._on_signal) for signum in SIGNALS}
    try:
        yield interruption
    finally:
        if interruption.signum is None:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
