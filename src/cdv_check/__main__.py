"""Entry point for `python -m cdv_check` and the `cdv-check` console script."""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def main() -> None:
    # Pydantic looks for plugins in the metadata of every installed distribution when the first
    # model is built (several ms at each start); cdv-check uses none. A user's own setting wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _open_closed_streams()
    _block_on_full_output()
    _replace_what_stdout_cannot_carry()
    try:
        from cdv_check.cli.fast_path import plain_check
        from cdv_check.reporters import FORMATS

        options = plain_check(sys.argv[1:], os.environ, FORMATS)
        if options is None:
            from cdv_check.cli.app import run

            run()
            return
        from cdv_check.cli.check import CommandFailed, report_failure, run_check

        try:
            code = run_check(options)
        except CommandFailed as exc:
            code = report_failure(exc)
    except KeyboardInterrupt:  # Ctrl-C before the batch took over: the report is not started
        sys.stderr.write("\ncdv-check : interrompu.\n")
        sys.exit(130)
    except BrokenPipeError:  # the reader left (`| head`): stop quietly with 1, as click does
        _discard_stdout()
        code = 1
    except OSError as exc:  # writing the output failed: a full disk, /dev/full…
        code = _output_failed(exc)
    _exit_now(code)


def _output_failed(exc: OSError) -> int:
    from cdv_check.text.oserrors import french_os_error

    _discard_stdout()
    sys.stderr.write(f"cdv-check : impossible de continuer : {french_os_error(exc)}.\n")
    return 2


def _exit_now(code: int) -> NoReturn:
    """End the process once its output is flushed, without the interpreter's teardown.

    By then every file is closed and every worker ended: what is left is freeing, one by one,
    the objects of pydantic, the référentiel and the rules, some 50 million instructions (a
    sixth of what a one-dossier check costs beyond importing pydantic; callgrind)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left during the last write: as above
        _discard_stdout()
        code = code or 1
    except OSError as exc:
        code = _output_failed(exc)
    try:
        sys.stderr.flush()
    except OSError:  # nowhere left to say anything
        pass
    os._exit(code)


def _open_closed_streams() -> None:
    """A standard stream closed before the start (`>&-`, `<&-`) is None in Python: read nothing
    from it and write nowhere, rather than fail on the first use."""
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115 (for the whole run)


def _block_on_full_output() -> None:
    """A parent may hand over a non-blocking pipe (some CI runners and Node-based tools do): a
    write to it that finds it full fails (EAGAIN), and Python's buffered stream loses what it
    could not write. Standard output and error are made blocking before the first write, so that
    a slow reader gets the whole report, later."""
    for stream in (sys.stdout, sys.stderr):
        try:
            fd = stream.fileno()
            if not os.get_blocking(fd):
                os.set_blocking(fd, True)
        except (OSError, ValueError, AttributeError):  # no descriptor (a test's capture), or not ours to change
            pass


def _replace_what_stdout_cannot_carry() -> None:
    """Standard output may not carry every character: cp1252 is Python's default on Windows
    when the output is redirected, ASCII under LANG=C. A QPV name in Chinese or an emoji must
    not stop the report with an encoding error: what the stream cannot carry is written as a
    Python escape (`\\u6771`), for every command and format, here once for all. (The JSON, SARIF
    and JUnit reports write ASCII only, with their own escapes, so they stay exact anywhere.)"""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is None:
        return
    try:
        reconfigure(errors="backslashreplace")
    except (ValueError, OSError):  # a stream that cannot change: left as it is
        pass


def _discard_stdout() -> None:
    """After a failed write, let the interpreter's last flush of stdout go nowhere, silently."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor to replace: nothing will be flushed there
        pass


if __name__ == "__main__":
    main()
