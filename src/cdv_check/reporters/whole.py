"""Text that wraps between words and never inside one: what a reader copies stays whole.

Rich folds a word longer than its column, and breaks `2 500,00 €` or `« x »` at their spaces. A
reader copies ids, codes, e-mails, paths and amounts from the report: `Whole` wraps only at the
spaces that separate words, keeps a number with its thousands and its « € », French quotes and
punctuation with their word, and lets a word longer than the line stand alone on its own line,
whole (the terminal shows the rest on the next row; nothing is cut). The console that prints it
must not crop (`crop=False`).
"""

from __future__ import annotations

import re

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

# Spaces that do not separate words: inside a number (10 140, 2 500,00 €), before a French
# punctuation sign or a closing quote, after an opening quote or an arrow.
_GLUED = re.compile(r"(?<=\d) (?=\d{3}\b)| (?=[€:;?!»)])|(?<=[«→(]) ")


def _chunks(plain: str) -> list[tuple[int, int]]:
    """(start, end) of each unbreakable run of a line, in order."""
    glued = {m.start() for m in _GLUED.finditer(plain)}
    chunks: list[tuple[int, int]] = []
    start: int | None = None
    for index, char in enumerate(plain + " "):
        if char == " " and index not in glued:
            if start is not None:
                chunks.append((start, index))
                start = None
        elif start is None:
            start = index
    return chunks


def wrap_lines(text: Text, width: int, indent: str = "", hang: str = "") -> list[Text]:
    """The lines of `text`, each after `indent`, at most `width` wide where a word allows it.

    Continuation lines come after `indent` and `hang`; those of a paragraph that starts with an arrow « → » or a
    bullet « • » are aligned after it.
    """
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        chunks = _chunks(paragraph.plain)
        if not chunks:
            lines.append(Text(indent))
            continue
        after = indent + hang + ("  " if paragraph.plain.startswith(("→ ", "• ")) else "")
        line_start = chunks[0][0]
        breaks: list[int] = []
        room = width - len(indent)
        for start, end in chunks:
            if start > line_start and end - line_start > room:
                breaks.append(start)
                line_start = start
                room = width - len(after)
        for number, piece in enumerate(paragraph.divide(breaks)):
            piece.rstrip()
            lines.append(Text(after if number else indent) + piece)
    return lines


class Whole:
    """A renderable `Text` wrapped by `wrap_lines` to the width it is given."""

    def __init__(self, text: Text, indent: str = "", hang: str = "") -> None:
        self.text = text
        self.indent = indent
        self.hang = hang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in wrap_lines(self.text, options.max_width, self.indent, self.hang):
            yield from line.render(console)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = longest_word(self.text.plain) + len(self.indent) + len(self.hang) + 2
        widest = max((len(line) for line in self.text.plain.split("\n")), default=0) + len(self.indent)
        return Measurement(longest, max(longest, widest))


def longest_word(plain: str) -> int:
    """The width of the longest run of `plain` that `Whole` never breaks."""
    return max((end - start for line in plain.split("\n") for start, end in _chunks(line)), default=0)


class Responsive:
    """One renderable from `below` columns on, another under: a layout that stacks when narrow."""

    def __init__(self, wide: RenderableType, narrow: RenderableType, below: int = 80) -> None:
        self.wide = wide
        self.narrow = narrow
        self.below = below

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.narrow if options.max_width < self.below else self.wide
