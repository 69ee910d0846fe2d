"""A signal while the end of a report is written abandons the report, even when the library
writing it catches the KeyboardInterrupt on the way (openpyxl's bare `except:` turns it into
TypeError, another library might swallow it): the run must stop with the signal's code, and write
no file, not fail with that library's error nor write a report cut short."""

from __future__ import annotations

import io
import signal
from collections.abc import Callable, Iterator

import pytest

from cdv_check.core.interruption import Interruption, signals_caught
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import Builder
from cdv_check.model.referentiel import Referentiel
from cdv_check.reporters import stream


def _converting(signal_now: Callable[[], None]) -> None:
    try:
        signal_now()
    except:  # noqa: E722 — what openpyxl's descriptors do
        raise TypeError("expected <class 'float'>") from None


def _swallowing(signal_now: Callable[[], None]) -> None:
    try:
        signal_now()
    except BaseException:
        pass


class _Reporter:
    """Writes its end in two parts, the signal coming between them inside `library`."""

    def __init__(self, library: Callable[[Callable[[], None]], None], signal_now: Callable[[], None]) -> None:
        self.library = library
        self.signal_now = signal_now

    def begin(self) -> str:
        return ""

    def dossier(self, result: object) -> str:
        return ""

    def end(self, summary: Summary) -> Iterator[str]:
        yield "début de la fin\n"
        self.library(self.signal_now)
        yield "fin\n"


@pytest.mark.parametrize("library", [_converting, _swallowing], ids=["converted", "swallowed"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_caught_by_the_library_writing_the_end_still_abandons_the_report(
    ref: Referentiel, library: Callable[[Callable[[], None]], None], signum: int
) -> None:
    with signals_caught() as interruption:
        reporter = _Reporter(library, lambda: interruption._on_signal(signum, None))
        with pytest.raises(KeyboardInterrupt):
            stream(iter([]), reporter, io.StringIO(), Summary(builder=Builder(ref)), interruption)
        assert interruption.exit_code == 128 + signum


def test_an_error_of_the_library_without_a_signal_is_not_taken_for_one(ref: Referentiel) -> None:
    def failing(signal_now: Callable[[], None]) -> None:
        raise TypeError("a real bug")

    interruption = Interruption()
    with pytest.raises(TypeError, match="a real bug"):
        stream(iter([]), _Reporter(failing, lambda: None), io.StringIO(), Summary(builder=Builder(ref)), interruption)
