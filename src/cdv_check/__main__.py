"""Entry point for `python -m cdv_check` and the `cdv-check` console script."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # Pydantic looks for plugins in the metadata of every installed distribution when the first
    # model is built (several ms at each start); cdv-check uses none. A user's own setting wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        from cdv_check.cli import run
    except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was checked yet
        sys.stderr.write("\ncdv-check : interrompu.\n")
        sys.exit(130)
    run()


if __name__ == "__main__":
    main()
