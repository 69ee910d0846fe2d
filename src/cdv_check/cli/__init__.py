"""Command line: typer app, the fast path, the check command, init, browsing."""
