"""Entry point for `python -m cdv_check` and the `cdv-check` console script."""

from __future__ import annotations


def main() -> None:
    from cdv_check.cli import run

    run()


if __name__ == "__main__":
    main()
