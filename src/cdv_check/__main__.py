"""Entry point for `python -m cdv_check` and the `cdv-check` console script."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # Pydantic looks for plugins in the metadata of every installed distribution when the first
    # model is built (several ms at each start); cdv-check uses none. A user's own setting wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        from cdv_check.quick_argv import plain_check
        from cdv_check.reporters import FORMATS

        options = plain_check(sys.argv[1:], os.environ, FORMATS)
        if options is None:
            from cdv_check.cli import run

            run()
            return
        from cdv_check.check_command import CommandFailed, report_failure, run_check

        try:
            code = run_check(options)
        except CommandFailed as exc:
            code = report_failure(exc)
    except KeyboardInterrupt:  # Ctrl-C before the batch took over: the report is not started
        sys.stderr.write("\ncdv-check : interrompu.\n")
        sys.exit(130)
    sys.exit(code)


if __name__ == "__main__":
    main()
