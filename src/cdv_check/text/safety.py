"""Text from a dossier must never drive the terminal or a CI log: no control characters."""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the line and paragraph separators (line breaks for many readers),
# and the bidirectional overrides/isolates/marks (U+202E and friends).
_CONTROLS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)
# A file name that is not UTF-8 reaches Python with its bytes as lone surrogates: written back,
# they are raw bytes again (0x9B is a one-byte CSI), or an encoding error that stops the report.
_SURROGATES = re.compile("[\ud800-\udfff]")
# GitHub Actions runs `::command::` at the start of a log line (after spaces), which a
# report may begin with a file name, and a legacy `##[command]` anywhere in a line.
_LEADING_COMMAND = re.compile(r"^(\s*:)(?=:)")
_LEGACY_COMMAND = re.compile(r"#(?=#\[)")
# Characters XML 1.0 cannot carry at all, even escaped as `&#…;`: C0 controls but tab and line
# breaks, lone surrogates, U+FFFE and U+FFFF. Each makes a whole document "not well-formed".
# Written as the few characters it refuses, not as the complement of what XML allows
# (`[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]`, the same set): compiling that
# negated class over the whole of Unicode cost every start of cdv-check some 50 million
# instructions (callgrind), 6 % of a one-dossier check.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """One line of inert text: controls become spaces (newlines too), a leading `::` becomes
    `: :` and `##[` becomes `# #[`; nothing else changes."""
    if text.isprintable() and "::" not in text and "##[" not in text:
        return text  # the usual text: every character above is unprintable (Cc, Cf, Cs, Zl, Zp)
    text = _CONTROLS.sub(" ", unicode_only(text))
    return _LEGACY_COMMAND.sub("# ", _LEADING_COMMAND.sub(r"\1 ", text))


def xml_safe(text: str) -> str:
    """`text` with what XML 1.0 cannot carry replaced by U+FFFD: the one filter of every report
    written as XML (junit, xlsx, html), applied to every text cell or value it writes."""
    if text.isprintable():  # every character outside XML is unprintable (Cc, Cs, Cn)
        return text
    return _NOT_XML.sub("\ufffd", text)


def xml_text(text: str) -> str:
    """One line of inert text (`clean`) that XML can carry (`xml_safe`)."""
    return xml_safe(clean(text))


def unicode_only(text: str) -> str:
    """`text` with undecodable bytes (lone surrogates) shown as U+FFFD, encodable in UTF-8."""
    return _SURROGATES.sub("\ufffd", text)


def clean_lines(text: str) -> str:
    """Several lines of inert text: `clean` on each, the line breaks kept."""
    return "\n".join(clean(line) for line in text.splitlines())
