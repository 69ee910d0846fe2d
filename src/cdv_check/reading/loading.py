"""Bytes → text → plain data with line:column, for untrusted YAML and JSON.

A YAML 1.1 loader guesses types (`1.10` → 1.1, `0312` → octal, `NO` → False) and lets the last
duplicate key win. Here scalars stay the text the user typed (the dossier model types them), a
duplicate key is a problem, and every value keeps its position. The tree is built from the
parser's event stream without recursion, so depth, size and alias expansion are bounded as it
is read. JSON is read by the same parser (JSON is, for a dossier's purposes, a subset of YAML).

Problems never raise: they come back in `Document.problems`, with the SCH rule they belong to.
"""

from __future__ import annotations

import codecs
import copy
import errno
import os
import stat
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from cdv_check.reading.limits import DEFAULT_LIMITS, LIMIT_LABELS, Limits
from cdv_check.text.oserrors import french_os_error

Loc = tuple[str | int, ...]
Position = tuple[int | None, int | None]


def where(file: str, line: int | None, column: int | None) -> str:
    """`file:line:col`, or only what is known (`file` for a finding about the whole file), as
    compilers write it, so that editors still jump to the right place."""
    if line is None:
        return file
    return f"{file}:{line}:{column}" if column is not None else f"{file}:{line}"


# Only the parser's events are read: libyaml's parser alone (CSafeLoader's constructor and resolver
# would never be used), else PyYAML's own loader.
_Loader: Any = (getattr(yaml, "_yaml", None) and getattr(yaml._yaml, "CParser", None)) or yaml.SafeLoader
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TAG_PREFIX = "tag:yaml.org,2002:"
_ACCEPTED_TAGS = frozenset(
    {None, "!"} | {_TAG_PREFIX + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
)


class ReadProblem(NamedTuple):
    """Something wrong found while reading, before the dossier model sees the data."""

    rule: str
    message: str
    advice: str
    path: Loc = ()
    line: int | None = None
    column: int | None = None


class Document:
    """What was read from one file: plain data (text scalars), positions and problems."""

    # A plain class, as _Frame below: a dataclass compiles its methods at each start.
    __slots__ = ("bare_numbers", "bullets", "data", "dropped", "key_marks", "problems", "source", "value_marks")

    def __init__(self, source: str) -> None:
        self.source = source
        self.data: Any = None
        self.problems: list[ReadProblem] = []
        self.value_marks: dict[Loc, Any] = {}
        self.key_marks: dict[Loc, Any] = {}
        """Where each value and each key starts: the parser's own mark (0-based `line` and `column`),
        kept as it is (a file has hundreds); `locate` says it 1-based."""
        self.dropped: set[Loc] = set()
        """Paths whose value was left out because a problem about it was already reported."""
        self.bullets: dict[Loc, list[str]] = {}
        """Unquoted texts written over lines that start with « • », « - » or « * » (the items,
        as written): a list was surely meant where the model wants one (SCH10)."""
        self.bare_numbers: set[Loc] = set()
        """Unquoted values that read as a decimal number (`1.1`): a code whose trailing zero a
        spreadsheet or a JSON writer may have dropped (SCH10)."""

    @property
    def readable(self) -> bool:
        """False when the file could not be read or parsed: there is no data to check."""
        return not any(p.rule in _FATAL for p in self.problems)

    def locate(self, loc: Loc, *, key: bool = False) -> Position:
        """Line and column (1-based) of a path, or of its nearest ancestor present in the file."""
        loc = tuple(loc)
        if key and loc in self.key_marks:
            mark = self.key_marks[loc]
            return mark.line + 1, mark.column + 1
        while True:
            if loc in self.value_marks:
                mark = self.value_marks[loc]
                return mark.line + 1, mark.column + 1
            if not loc:
                return None, None
            loc = loc[:-1]

    def was_dropped(self, loc: Loc) -> bool:
        return any(loc[:n] in self.dropped for n in range(len(loc) + 1))


_FATAL = frozenset({"SCH01", "SCH02", "SCH07"})


class InputRefused(Exception):
    """A file that cannot be read at all; carries the problem to report."""

    def __init__(self, problem: ReadProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


# --- bytes -----------------------------------------------------------------------------------


def read_bounded(path: Path, limit: int, *, follow_links: bool = True) -> bytes:
    """Read a regular file, never blocking on a pipe or device, never more than `limit` bytes;
    without `follow_links`, a symbolic link is refused, atomically (O_NOFOLLOW)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
        if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):  # Windows: the best it allows
            raise InputRefused(_link_not_followed())
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_links and (exc.errno == errno.ELOOP or os.path.islink(path)):
            raise InputRefused(_link_not_followed()) from None
        if isinstance(exc, FileNotFoundError):
            raise InputRefused(_unreadable("le fichier n'existe pas (ou est un lien brisé)")) from None
        if isinstance(exc, IsADirectoryError):
            raise InputRefused(_unreadable("c'est un dossier, pas un fichier")) from None
        raise InputRefused(_unreadable(f"impossible de l'ouvrir ({french_os_error(exc)})")) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputRefused(_unreadable("c'est un dossier, pas un fichier"))
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused(_unreadable("ce n'est pas un fichier ordinaire (tube, périphérique…)"))
        if info.st_size > limit:
            raise InputRefused(_too_large(info.st_size, limit))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputRefused(_unreadable(f"erreur de lecture ({french_os_error(exc)})")) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > limit:
        raise InputRefused(_too_large(len(raw), limit))
    return raw


def read_stream_bounded(stream: Any, limit: int) -> bytes:
    """Read standard input, never more than `limit` bytes."""
    raw: bytes = stream.read(limit + 1)
    if len(raw) > limit:
        raise InputRefused(_too_large(len(raw), limit))
    return raw


# The system's own messages follow its locale, often English: these are the French ones.
def _unreadable(why: str) -> ReadProblem:
    return ReadProblem(
        "SCH01",
        f"Fichier illisible : {why}.",
        "Vérifiez le chemin et donnez un fichier YAML ou JSON ordinaire.",
    )


def _link_not_followed() -> ReadProblem:
    return ReadProblem(
        "SCH01",
        "Fichier non lu : c'est un lien symbolique, trouvé en parcourant un dossier ou par un motif ; "
        "un tel lien n'est pas suivi (il pourrait mener hors du dossier des demandes).",
        "Remplacez le lien par le fichier lui-même, ou donnez ce chemin tel quel sur la ligne de "
        "commande : un chemin nommé explicitement est lu, lien ou non.",
    )


def _too_large(size: int, limit: int) -> ReadProblem:
    return ReadProblem(
        "SCH07",
        f"Fichier trop gros : {size} octets, au-delà de la limite de sécurité "
        f"« {LIMIT_LABELS['file_bytes']} » ({limit}).",
        "Un dossier tient en quelques kilo-octets : joignez les documents comme pièces, "
        "pas dans le fichier.",
    )


# --- text ------------------------------------------------------------------------------------

_LINE_BREAK = "\r\n|[\r\n\x85\u2028\u2029]"
"""What YAML counts as a line break (YAML 1.1, as PyYAML and libyaml read it): CR LF, CR, LF, NEL,
LINE SEPARATOR, PARAGRAPH SEPARATOR. A position cdv-check computes itself is counted the same
way, so that it agrees with the parser's own."""


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `text[index]`, the column in characters (not bytes)."""
    import re

    line, start = 1, 0
    for match in re.finditer(_LINE_BREAK, text[:index]):
        line, start = line + 1, match.end()
    return line, index - start + 1


def yaml_lines(text: str) -> list[str]:
    """The lines of `text`, as YAML numbers them."""
    import re

    return re.split(_LINE_BREAK, text)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(raw: bytes) -> tuple[str, list[ReadProblem]]:
    """Text, and a SCH08 warning (naming the encoding used) when it was not UTF-8."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), []
            except UnicodeDecodeError as exc:
                raise InputRefused(_undecodable(encoding, exc)) from None
    if b"\x00" in raw:
        raise InputRefused(_binary(raw))
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        text, name = raw.decode("cp1252"), "Windows-1252 (cp1252)"
    except UnicodeDecodeError:  # one of the five bytes cp1252 leaves out: Latin-1 reads them all
        text, name = raw.decode("latin-1"), "Latin-1 (ISO-8859-1)"
    warning = ReadProblem(
        "SCH08",
        f"Le fichier n'est pas en UTF-8 : il a été lu comme du {name}.",
        "Enregistrez-le en UTF-8 (« Enregistrer sous… », codage UTF-8) pour éviter les accents "
        "mal lus.",
    )
    return text, [warning]


def _undecodable(encoding: str, exc: UnicodeDecodeError) -> ReadProblem:
    return ReadProblem(
        "SCH01",
        f"Fichier illisible : l'octet n° {exc.start + 1} n'est pas valide en {encoding}.",
        "Enregistrez le fichier en UTF-8.",
    )


def _binary(raw: bytes) -> ReadProblem:
    offset = raw.index(b"\x00")
    before = raw[:offset].decode("utf-8", "replace")  # columns count characters, not bytes
    line, column = line_column(before, len(before))
    return ReadProblem(
        "SCH01",
        "Fichier illisible : il contient un octet nul, ce n'est pas un texte YAML ou JSON.",
        "Donnez le fichier texte du dossier, pas un document binaire (PDF, traitement de texte…).",
        line=line,
        column=column,
    )


# --- structure -------------------------------------------------------------------------------


class _Stop(Exception):
    """Reading cannot go on; the problem is already recorded."""


class _Frame:
    """A mapping or list being read."""

    __slots__ = ("anchor", "chars_at_start", "container", "is_key", "keep_value", "key", "nodes_at_start", "path",
                 "refused")

    def __init__(
        self,
        container: dict[str, Any] | list[Any],
        path: Loc,
        anchor: str | None,
        nodes_at_start: int,
        chars_at_start: int,
        *,
        is_key: bool = False,
        refused: bool = False,
    ) -> None:
        self.container = container
        self.path = path
        self.anchor = anchor
        self.nodes_at_start = nodes_at_start
        self.chars_at_start = chars_at_start
        self.key: str | None = None
        """The key whose value comes next, in a mapping."""
        self.keep_value = True
        self.is_key = is_key
        """A list or mapping written where a key was expected: read through, then refused."""
        self.refused = refused
        """Its tag is refused: an alias to its anchor is refused too."""


class _Builder:
    """Builds plain data from parser events, with positions, limits and duplicate detection."""

    def __init__(
        self, doc: Document, limits: Limits, surrogates: _SurrogateEscapes | None = None, text: str = ""
    ) -> None:
        self.doc = doc
        self.text = text
        """The source, to see what the parser's events do not show: a comment after a value."""
        self.limits = limits
        self.surrogates = surrogates
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        """Anchor → (value, nodes, characters of text) that an alias to it repeats."""
        self.open_anchors: set[str] = set()
        self.refused_anchors: set[str] = set()
        """Anchors on a refused value (tagged, lone UTF-16 half): an alias to one is refused too."""
        self.nodes = 0
        self.chars = 0
        self.aliases = 0
        self.documents = 0

    # Problems

    def problem(self, rule: str, message: str, advice: str, path: Loc, mark: Any) -> None:
        self.doc.problems.append(
            ReadProblem(rule, message, advice, path, mark.line + 1, mark.column + 1)
        )

    def over_limit(self, name: str, value: int, path: Loc, mark: Any) -> _Stop:
        limit = getattr(self.limits, name)
        self.problem(
            "SCH07",
            f"Limite de sécurité dépassée : {LIMIT_LABELS[name]} ({value} > {limit}).",
            "Simplifiez le fichier : un dossier n'a besoin ni d'alias en cascade ni "
            "d'imbrications profondes.",
            path,
            mark,
        )
        return _Stop()

    # Events

    def document(self, event: yaml.DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            self.problem(
                "SCH02",
                "Le fichier contient plusieurs documents YAML (séparés par « --- »).",
                "Un fichier = un dossier : gardez un seul document.",
                (),
                event.start_mark,
            )
            raise _Stop()

    def count(self, amount: int, path: Loc, mark: Any) -> None:
        self.nodes += amount
        if self.nodes > self.limits.nodes:
            raise self.over_limit("nodes", self.nodes, path, mark)

    def count_text(self, amount: int, path: Loc, mark: Any) -> None:
        self.chars += amount
        if self.chars > self.limits.text_chars:
            raise self.over_limit("text_chars", self.chars, path, mark)

    def check_tag(self, tag: str | None, path: Loc, mark: Any) -> bool:
        if tag in _ACCEPTED_TAGS:
            return True
        shown = tag.replace(_TAG_PREFIX, "!!") if tag else ""
        self.problem(
            "SCH04",
            f"Étiquette YAML « {shown} » refusée : la valeur n'est pas lue.",
            "Retirez l'étiquette et écrivez la valeur en texte simple.",
            path,
            mark,
        )
        self.doc.dropped.add(path)
        return False

    def place(self) -> tuple[Loc, bool]:
        """Path of the value that starts here, and whether it is kept in the data."""
        if not self.stack:
            return (), True
        top = self.stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container)), True
        assert top.key is not None
        path = (*top.path, top.key)
        keep = top.keep_value
        top.key, top.keep_value = None, True
        return path, keep

    def attach(self, path: Loc, value: Any, mark: Any) -> None:
        self.doc.value_marks.setdefault(path, mark)
        if not self.stack:
            self.doc.data = value
            return
        container = self.stack[-1].container
        if isinstance(container, list):
            container.append(value)
        else:
            container[path[-1]] = value  # type: ignore[index]

    def expecting_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].container, dict) and (
            self.stack[-1].key is None
        )

    def scalar(self, event: yaml.ScalarEvent) -> None:
        # The commonest event by far (each key and each plain value): `place`, `count`,
        # `count_text` and `attach` are written out here, in the same order.
        mark: Any = event.start_mark
        stack = self.stack
        if not stack:
            path: Loc = ()
            keep = True
            container = None
        else:
            top = stack[-1]
            container = top.container
            if container.__class__ is list:  # the containers are this builder's own lists and dicts
                path = (*top.path, len(container))
                keep = True
            elif top.key is None:  # a mapping's key
                self.key(event)
                return
            else:
                path = (*top.path, top.key)
                keep = top.keep_value
                top.key, top.keep_value = None, True
        limits = self.limits
        self.nodes += 1
        if self.nodes > limits.nodes:
            raise self.over_limit("nodes", self.nodes, path, mark)
        value: str | None = event.value
        size = len(event.value)
        if size > limits.scalar_chars:
            raise self.over_limit("scalar_chars", size, path, mark)
        self.chars += size
        if self.chars > limits.text_chars:
            raise self.over_limit("text_chars", self.chars, path, mark)
        if not event.style and event.value in _NULLS and event.tag is None:
            value = None
        if self.surrogates is not None and value is not None:
            value = self.surrogates.restore(event)
            if value is None:  # a lone half of a UTF-16 pair: refused, like a tagged value
                self.problem(
                    "SCH04",
                    "Valeur refusée : elle contient une moitié de caractère seule (échappement "
                    f"{self.surrogates.lone(event)} sans son autre moitié) ; elle n'est pas lue.",
                    "Écrivez le caractère lui-même, ou la paire d'échappements complète (ex. "
                    "« \\ud83d\\ude00 » pour 😀).",
                    path,
                    mark,
                )
                self.doc.dropped.add(path)
                self.refuse_anchor(event, path, mark)
                return
        if event.tag not in _ACCEPTED_TAGS and not self.check_tag(event.tag, path, mark):
            self.refuse_anchor(event, path, mark)
            return
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1, size)
            self.refused_anchors.discard(event.anchor)
        if keep:
            self.doc.value_marks.setdefault(path, mark)
            if container is None:
                self.doc.data = value
            elif container.__class__ is list:
                container.append(value)
            else:
                container[path[-1]] = value  # type: ignore[index]
            # The few unquoted values SCH10 looks at more closely: followed by a blank (a comment?),
            # over lines (bullets?), a number (a code?).
            last: Any = event.end_mark
            if not event.style and (self.text[last.index : last.index + 1] in _BLANKS or last.line != mark.line or (
                    value is not None and (value[:1] == "•" or ("." in value and value[:1].isdigit())))):
                self.typed_as_read(event, path, value)

    def run(self, get_event: Any) -> None:
        """Read the parser's events to the end of the stream, each to its handler.

        The commonest events by far, the untagged keys and values without an anchor (in a file
        without UTF-16 escapes), are read here, as `scalar` and `key` read them and with their
        checks in the same order: this runs for each of a file's hundreds of events."""
        handlers: dict[type[yaml.Event], Any] = {  # the stream's and documents' ends need nothing
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.open,
            yaml.SequenceStartEvent: self.open,
            yaml.MappingEndEvent: self.close,
            yaml.SequenceEndEvent: self.close,
            yaml.AliasEvent: self.alias,
            yaml.DocumentStartEvent: self.document,
        }
        scalar_event, stream_end = yaml.ScalarEvent, yaml.StreamEndEvent
        mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        stack = self.stack
        value_marks, key_marks = self.doc.value_marks, self.doc.key_marks
        limits = self.limits
        max_nodes, max_size, max_chars = limits.nodes, limits.scalar_chars, limits.text_chars
        max_depth = limits.depth
        text = self.text
        # What the SCH10 look below can find in this file at all (a plain value is the file's own
        # text): a comment after a value needs a blank then « # », bullets on one line need « • ».
        may_cut, may_bullet = " #" in text or "\t#" in text, "•" in text
        slow = self.surrogates is not None
        # The counts, kept here (a local is read faster than an attribute) and handed to the
        # handlers, which count too, around each call.
        nodes, chars = self.nodes, self.chars
        while True:
            event = get_event()
            kind = event.__class__
            if kind is not scalar_event or slow or not stack or event.anchor is not None or event.tag is not None:
                # The commonest list and mapping events, read here as `open` and `close` read them, in
                # the same order: an untagged list or mapping without an anchor, where a value is
                # expected (a file opens and closes a few tens of them); any other goes to its handler.
                if kind is mapping_end or kind is sequence_end:
                    frame = stack[-1]
                    if frame.anchor is None and not frame.is_key:
                        stack.pop()
                        continue
                elif (kind is mapping_start or kind is sequence_start) and stack and event.anchor is None and (
                        event.tag is None):
                    top = stack[-1]
                    parent = top.container
                    key = top.key
                    if parent.__class__ is list:
                        path: Loc = (*top.path, len(parent))
                        keep = True
                    elif key is not None:
                        path = (*top.path, key)
                        keep = top.keep_value
                        top.key, top.keep_value = None, True
                    else:  # where a key is expected: refused, by `open`
                        self.nodes, self.chars = nodes, chars
                        self.open(event)
                        nodes, chars = self.nodes, self.chars
                        continue
                    mark: Any = event.start_mark
                    if len(stack) + 1 > max_depth:
                        raise self.over_limit("depth", len(stack) + 1, path, mark)
                    nodes += 1
                    if nodes > max_nodes:
                        raise self.over_limit("nodes", nodes, path, mark)
                    container: dict[str, Any] | list[Any] = {} if kind is mapping_start else []
                    if keep:
                        value_marks.setdefault(path, mark)
                        if parent.__class__ is list:
                            parent.append(container)
                        else:
                            parent[key] = container  # type: ignore[index,call-overload]
                    stack.append(_Frame(container, path, None, nodes, chars))
                    continue
                handler = handlers.get(kind)
                if handler is not None:
                    self.nodes, self.chars = nodes, chars
                    handler(event)
                    nodes, chars = self.nodes, self.chars
                elif kind is stream_end or event is None:
                    self.nodes, self.chars = nodes, chars
                    return
                continue
            mark = event.start_mark
            top = stack[-1]
            container = top.container
            key = top.key
            if container.__class__ is list:
                path = (*top.path, len(container))
                keep = True
            elif key is None:  # a mapping's key
                name: str = event.value
                path = (*top.path, name)
                nodes += 1
                if nodes > max_nodes:
                    raise self.over_limit("nodes", nodes, path, mark)
                if len(name) > max_size:
                    raise self.over_limit("scalar_chars", len(name), path, mark)
                chars += len(name)
                if chars > max_chars:
                    raise self.over_limit("text_chars", chars, path, mark)
                top.key, top.keep_value = name, True
                # Noted unless odd (the path looked up once): a duplicate or a merge key, as `odd_key` says.
                if name in container or (name == "<<" and not event.style) or (
                        key_marks.setdefault(path, mark) is not mark):
                    self.odd_key(event, top, name, path, mark)
                continue
            else:
                path = (*top.path, key)
                keep = top.keep_value
                top.key, top.keep_value = None, True
            nodes += 1
            if nodes > max_nodes:
                raise self.over_limit("nodes", nodes, path, mark)
            value: str | None = event.value
            size = len(value)  # type: ignore[arg-type]
            if size > max_size:
                raise self.over_limit("scalar_chars", size, path, mark)
            chars += size
            if chars > max_chars:
                raise self.over_limit("text_chars", chars, path, mark)
            if not keep:
                continue
            style = event.style
            if not style and value in _NULLS:
                value = None
            value_marks.setdefault(path, mark)
            if container.__class__ is list:
                container.append(value)
            else:
                container[key] = value  # type: ignore[index,call-overload]
            if not style:  # the few unquoted values SCH10 looks at more closely, as in `scalar`
                last: Any = event.end_mark
                if (may_cut and text[last.index : last.index + 1] in _BLANKS) or last.line != mark.line or (
                        value is not None and ((may_bullet and value[:1] == "•") or (
                            "." in value and value[:1].isdigit()))):
                    self.typed_as_read(event, path, value)

    def typed_as_read(self, event: yaml.ScalarEvent, path: Loc, value: str | None) -> None:
        """An unquoted value that is surely not what was typed (SCH10): cut by a ` #` comment,
        bullets over several lines, a number standing for a code."""
        first: Any = event.start_mark
        last: Any = event.end_mark
        text, end = self.text, last.index
        if end < len(text) and text[end] in " \t":
            # Linear over any file: each run of blanks follows one scalar, and a comment ends its line.
            after = end
            while after < len(text) and text[after] in " \t":
                after += 1
            if text[after : after + 1] == "#" and text[after + 1 : after + 2] not in ("", " ", "\t", "#", "\r", "\n"):
                line_end = text.find("\n", after)
                comment = text[after : line_end if line_end >= 0 else len(text)].rstrip()
                self.cut_by_comment(first, path, value or "", comment)
        if value is None:
            return
        if last.line > first.line or value[:1] == "•":
            items = _bullet_items(text[first.index : end])
            if items is not None:
                self.doc.bullets[path] = items
        elif "." in value and value[:1].isdigit():
            import re

            if re.fullmatch(r"[0-9]+(?:\.[0-9]+)+", value):
                self.doc.bare_numbers.add(path)

    def cut_by_comment(self, mark: Any, path: Loc, value: str, comment: str) -> None:
        import json

        meant = f"{value} {comment}" if value else comment
        quoted = json.dumps(meant, ensure_ascii=False)
        written = f"{path[-1]}: {quoted}" if path and isinstance(path[-1], str) else f"- {quoted}"
        self.doc.problems.append(ReadProblem(
            "SCH10",
            f"Texte coupé par « {_shorten(comment)} » : lu {f'« {_shorten(value)} »' if value else 'vide'} ; "
            "en YAML, « # » "
            "après une espace commence un commentaire, et la suite de la ligne n'est pas lue.",
            f"Si « {_shorten(comment)} » fait partie du texte, mettez-le entre guillemets : "
            f"{written}",
            path,
            mark.line + 1,
            mark.column + 1,
        ))

    def refuse_anchor(self, event: yaml.ScalarEvent, path: Loc, mark: Any) -> None:
        """After a refused value: its place in a list is kept (None), and its anchor noted."""
        if isinstance(self.stack[-1].container if self.stack else None, list):
            self.attach(path, None, mark)
        if event.anchor is not None:  # the latest definition of an anchor is the one aliases repeat
            self.refused_anchors.add(event.anchor)
            self.anchors.pop(event.anchor, None)

    def key(self, event: yaml.ScalarEvent) -> None:
        top = self.stack[-1]
        assert isinstance(top.container, dict)
        mark: Any = event.start_mark
        name = event.value
        if self.surrogates is not None:  # a lone half stays U+FFFD: an unknown key (SCH05) says so
            name = self.surrogates.restore(event) or self.surrogates.restore(event, lone="\ufffd") or name
        path = (*top.path, name)
        limits = self.limits
        self.nodes += 1  # `count` and `count_text`, written out: this runs for every key
        if self.nodes > limits.nodes:
            raise self.over_limit("nodes", self.nodes, path, mark)
        if len(name) > limits.scalar_chars:
            raise self.over_limit("scalar_chars", len(name), path, mark)
        self.chars += len(name)
        if self.chars > limits.text_chars:
            raise self.over_limit("text_chars", self.chars, path, mark)
        top.key, top.keep_value = name, True
        if event.tag not in _ACCEPTED_TAGS and not self.check_tag(event.tag, path, mark):
            top.keep_value = False  # a tagged key is refused with its value
        else:
            self.odd_key(event, top, name, path, mark)

    def odd_key(self, event: yaml.ScalarEvent, top: _Frame, name: str, path: Loc, mark: Any) -> None:
        """An accepted key, counted: a merge key and a duplicate are refused, any other noted."""
        if name == "<<" and not event.style:
            self.problem(
                "SCH05",
                "Clé de fusion YAML « << » refusée : ce qu'elle fusionnerait n'est pas lu.",
                "Recopiez les clés voulues en toutes lettres dans ce tableau.",
                path,
                mark,
            )
            top.keep_value = False
            self.doc.dropped.add(path)
        elif name in top.container or path in self.doc.key_marks:
            first = self.doc.key_marks.get(path)
            first_line, first_col = (first.line + 1, first.column + 1) if first is not None else (None, None)
            self.problem(
                "SCH06",
                f"Clé « {name} » en double : déjà écrite ligne {first_line}, colonne {first_col}. "
                "Seule la première est lue, la seconde est ignorée.",
                "Gardez une seule fois cette clé, avec la bonne valeur.",
                path,
                mark,
            )
            top.keep_value = False
        else:
            self.doc.key_marks[path] = mark

    def alias(self, event: yaml.AliasEvent) -> None:
        mark = event.start_mark
        if self.expecting_key():
            self.problem(
                "SCH04",
                "Un alias YAML est utilisé comme clé : ni la clé ni sa valeur ne sont lues.",
                "Écrivez la clé en toutes lettres.",
                self.stack[-1].path,
                mark,
            )
            self.refuse_key(f"*{event.anchor}")
            return
        path, keep = self.place()
        name = event.anchor
        if name in self.open_anchors:
            self.problem(
                "SCH07",
                f"Alias « *{name} » récursif : il se contient lui-même.",
                "Retirez l'alias et écrivez la valeur en toutes lettres.",
                path,
                mark,
            )
            raise _Stop()
        if name in self.refused_anchors:
            self.problem(
                "SCH04",
                f"Alias « *{name} » refusé : la valeur de l'ancre « &{name} » est refusée (voir plus "
                "haut), elle n'est donc pas lue ici non plus.",
                "Corrigez la valeur de l'ancre, ou écrivez la valeur en toutes lettres ici.",
                path,
                mark,
            )
            self.doc.dropped.add(path)
            if keep and isinstance(self.stack[-1].container if self.stack else None, list):
                self.attach(path, None, mark)
            return
        if name not in self.anchors:
            self.problem(
                "SCH02",
                f"Alias « *{name} » sans ancre « &{name} » définie avant lui.",
                "Définissez l'ancre avant l'alias, ou écrivez la valeur en toutes lettres.",
                path,
                mark,
            )
            raise _Stop()
        self.aliases += 1
        if self.aliases > self.limits.aliases:
            raise self.over_limit("aliases", self.aliases, path, mark)
        value, size, chars = self.anchors[name]
        self.count(size, path, mark)
        self.count_text(chars, path, mark)
        if keep:
            self.attach(path, copy.deepcopy(value), mark)

    def open(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        mark = event.start_mark
        if self.expecting_key():
            self.problem(
                "SCH04",
                "Une liste ou un tableau est utilisé comme clé : ni la clé ni sa valeur ne sont lues.",
                "Une clé est un mot simple, suivi de « : ».",
                self.stack[-1].path,
                mark,
            )
            key_path = (*self.stack[-1].path, "?")
            self.stack.append(_Frame({} if isinstance(event, yaml.MappingStartEvent) else [], key_path, None,
                                     self.nodes, chars_at_start=self.chars, is_key=True))
            return
        # `place`, `count` and the tag's check written out (a file opens tens of lists and mappings).
        stack = self.stack
        parent: Any = None
        if stack:
            top = stack[-1]
            parent = top.container
            if parent.__class__ is list:
                path: Loc = (*top.path, len(parent))
                keep = True
            else:
                assert top.key is not None  # not expecting a key: checked above
                path = (*top.path, top.key)
                keep = top.keep_value
                top.key, top.keep_value = None, True
        else:
            path, keep = (), True
        if len(stack) + 1 > self.limits.depth:
            raise self.over_limit("depth", len(stack) + 1, path, mark)
        self.nodes += 1
        if self.nodes > self.limits.nodes:
            raise self.over_limit("nodes", self.nodes, path, mark)
        container: dict[str, Any] | list[Any] = {} if event.__class__ is yaml.MappingStartEvent else []
        accepted = event.tag in _ACCEPTED_TAGS or self.check_tag(event.tag, path, mark)
        if keep and (accepted or parent.__class__ is list):
            self.attach(path, container if accepted else None, mark)
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        stack.append(_Frame(container, path, event.anchor, self.nodes, chars_at_start=self.chars, refused=not accepted))

    def refuse_key(self, shown: str) -> None:
        """The key just read is refused (SCH04 said so): its value is read through, not kept."""
        top = self.stack[-1]
        top.key, top.keep_value = shown, False

    def close(self, _event: yaml.Event | None = None) -> None:
        frame = self.stack.pop()
        if frame.is_key:
            self.refuse_key("?")
            return
        if frame.anchor is not None and frame.refused:
            self.open_anchors.discard(frame.anchor)
            self.refused_anchors.add(frame.anchor)
            self.anchors.pop(frame.anchor, None)
        elif frame.anchor is not None:
            self.open_anchors.discard(frame.anchor)
            self.refused_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (
                frame.container,
                self.nodes - frame.nodes_at_start + 1,
                self.chars - frame.chars_at_start,
            )


_BLANKS = (" ", "\t")


def _shorten(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


_BULLETS = ("•", "- ", "* ", "-\t", "*\t")


def _bullet_items(source: str) -> list[str] | None:
    """The items of an unquoted text written as bulleted lines (`• a` then `• b`) or as bullets on
    one line (`• a • b`), or None when it holds fewer than two bulleted items."""
    if "\n" not in source.strip():
        stripped = source.strip()
        parts = [p.strip() for p in stripped.split("•")]
        return parts[1:] if stripped.startswith("•") and len(parts) > 2 and all(parts[1:]) else None
    items: list[str] = []
    bulleted = 0
    for line in source.splitlines():
        line = line.strip()
        if line.startswith(_BULLETS):
            bulleted += 1
            items.append(line[1:].strip())
        elif line and items:
            items[-1] = f"{items[-1]} {line}"
        elif line:
            items.append(line)
    return items if bulleted >= 2 or (bulleted == 1 and len(items) >= 2) else None


def parse_text(text: str, doc: Document, limits: Limits = DEFAULT_LIMITS) -> None:
    """Fill `doc` with the data of `text`, or with the problem that stopped reading it."""
    text, surrogates = _SurrogateEscapes.hide(text)
    builder = _Builder(doc, limits, surrogates, text)
    loader = _Loader(text)
    try:
        builder.run(loader.get_event)
    except _Stop:
        doc.data = None
    except yaml.MarkedYAMLError as exc:
        doc.data = None
        doc.problems.append(_syntax_problem(exc, text, limits))
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not accept
        doc.data = None
        doc.problems.append(_reader_problem(exc, text))
    finally:
        loader.dispose()


class _SurrogateEscapes:
    """`"\\ud83d\\ude00"`: an emoji as JSON writes it (json.dumps, cdv-check's own JSON reports),
    one character as two UTF-16 escapes. JSON reads the pair as that character; YAML (1.1, as
    libyaml) refuses each half, and the whole file with it.

    Before parsing, each such escape is hidden as one of the same length that YAML reads: a
    character of a block of 2 048 that the file does not use at all (written or escaped; private
    use first), at the offset of the half among the 2 048 halves; so every line and column stays
    the file's, and no character of the file is taken for a hidden half. Each scalar that holds one
    is then restored from the parser's own reading: in a double-quoted scalar (the only place where
    `\\u` is an escape), pairs become the character they stand for, and a lone half makes the value
    refused (SCH04), not the file; in any other scalar, the text is put back as written.
    """

    _ESCAPE = r"(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})"
    _BLOCKS = (0xE000, 0xE800, 0xF000, *range(0x3800, 0xA000, 0x800), *range(0xA800, 0xD800, 0x800))
    """Candidate blocks for the hidden halves: characters YAML accepts, none a surrogate."""

    def __init__(self, starts: list[int], written: list[str], base: int) -> None:
        self.base = base
        """What is added to a half to hide it."""
        self.starts = starts
        """Character index of each hidden escape's backslash, in order."""
        self.written = written
        """Each escape as written (`\\ud83d`)."""

    @classmethod
    def hide(cls, text: str) -> tuple[str, _SurrogateEscapes | None]:
        if "\\u" not in text:  # the usual file: nothing to do
            return text, None
        import re

        if re.search(cls._ESCAPE, text) is None:
            return text, None
        used = {ord(c) >> 11 for c in set(text)}
        used.update(int(code, 16) >> 11 for code in re.findall(r"\\u([0-9a-fA-F]{4})", text))
        block = next((b for b in cls._BLOCKS if b >> 11 not in used), cls._BLOCKS[0])
        base = block - 0xD800
        starts: list[int] = []
        written: list[str] = []

        def hidden(match: re.Match[str]) -> str:
            slashes, half = match.group(1), match.group(2)
            if len(slashes) % 2 == 0:  # `\\ud83d`: an escaped backslash, then text
                return match.group(0)
            starts.append(match.end(1) - 1)
            written.append("\\u" + half)
            return f"{slashes}u{int(half, 16) + base:04X}"

        text = re.sub(cls._ESCAPE, hidden, text)
        return text, (cls(starts, written, base) if starts else None)

    def _inside(self, event: yaml.ScalarEvent) -> range:
        from bisect import bisect_left

        first = bisect_left(self.starts, getattr(event.start_mark, "index", 0))
        last = bisect_left(self.starts, getattr(event.end_mark, "index", 0), first)
        return range(first, last)

    def restore(self, event: yaml.ScalarEvent, *, lone: str | None = None) -> str | None:
        """The scalar's value as the file means it; None if it holds a lone half (unless `lone`
        is given to stand for it)."""
        inside = self._inside(event)
        value: str = event.value
        if not inside:
            return value
        if event.style != '"':  # not an escape there: the text as written
            out, start = [], 0
            for index in inside:
                written = self.written[index]
                hidden = f"\\u{int(written[2:], 16) + self.base:04X}"
                found = value.find(hidden, start)
                if found < 0:
                    continue
                out.append(value[start:found] + written)
                start = found + len(hidden)
            return "".join(out) + value[start:]
        chars = list(value)
        result: list[str] = []
        i = 0
        while i < len(chars):
            code = ord(chars[i]) - self.base
            if 0xD800 <= code <= 0xDBFF and i + 1 < len(chars) and 0xDC00 <= ord(chars[i + 1]) - self.base <= 0xDFFF:
                low = ord(chars[i + 1]) - self.base
                result.append(chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)))
                i += 2
                continue
            if 0xD800 <= code <= 0xDFFF:
                if lone is None:
                    return None
                result.append(lone)
            else:
                result.append(chars[i])
            i += 1
        return "".join(result)

    def lone(self, event: yaml.ScalarEvent) -> str:
        """The escapes written in the scalar, to name them in the finding."""
        return ", ".join(f"« {self.written[i]} »" for i in self._inside(event))


_CHECK_AROUND = "Vérifiez l'indentation, les guillemets et les crochets autour de cette position."
_SYNTAX_HINTS = {  # libyaml's (and PyYAML's) problems, in French, with what to do
    "mapping values are not allowed": (
        "un « : » inattendu",
        "Une valeur qui contient « : » doit être entre guillemets ; sinon vérifiez l'indentation.",
    ),
    "could not find expected ':'": (
        "un « : » manque après une clé",
        "Écrivez « clé: valeur », avec une espace après les deux-points.",
    ),
    "did not find expected key": (
        "une clé était attendue ici",
        "Alignez cette ligne sur les clés voisines, ou mettez entre guillemets une valeur qui "
        "commence par un caractère spécial.",
    ),
    "did not find expected node content": ("une valeur manque", _CHECK_AROUND),
    "did not find expected ',' or ']'": (
        "un « , » ou un « ] » manque dans une liste entre crochets",
        "Séparez les éléments par des virgules et fermez le crochet ; mettez entre guillemets un "
        "élément qui contient une virgule ou un crochet.",
    ),
    "did not find expected ',' or '}'": (
        "un « , » ou une « } » manque dans un tableau entre accolades",
        "Séparez les clés par des virgules et fermez l'accolade ; mettez entre guillemets un texte "
        "qui contient une virgule.",
    ),
    "did not find expected '-' indicator": (
        "un élément de liste (« - ») était attendu ici",
        "Alignez les « - » de la liste les uns sous les autres.",
    ),
    "block sequence entries are not allowed": (
        "un « - » de liste inattendu",
        "Un « - » ouvre un élément de liste : placez-le sous une clé, à la ligne, en retrait.",
    ),
    "found character that cannot start any token": (
        "une valeur commence par un caractère réservé (@, `, %…)",
        "Mettez cette valeur entre guillemets.",
    ),
    "found unexpected end of stream": (
        "le fichier finit avant la fin d'un texte entre guillemets",
        "Fermez le guillemet ouvert (et doublez ou échappez un guillemet qui fait partie du texte).",
    ),
    "found unknown escape character": (
        "« \\ » suivi d'un caractère inconnu dans un texte entre guillemets doubles",
        "Doublez la barre oblique inverse (\\\\), ou mettez le texte entre guillemets simples.",
    ),
    "found undefined alias": (
        "un alias (« * ») renvoie à une ancre qui n'existe pas",
        "Définissez l'ancre (« & ») avant l'alias, ou mettez ce texte entre guillemets.",
    ),
    "expected <document start>": (
        "du contenu en trop après la fin du dossier",
        "Retirez ce qui suit, ou vérifiez l'indentation de cette ligne.",
    ),
    "found unexpected ':'": ("un « : » inattendu", _CHECK_AROUND),
}


def _syntax_hint(problem: str) -> tuple[str, str]:
    for start, hint in _SYNTAX_HINTS.items():
        if problem.startswith(start):
            return hint
    return "", _CHECK_AROUND


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, limits: Limits) -> ReadProblem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = exc.problem or ""
    if "maximum nesting depth" in problem:  # libyaml's own bound, beyond ours
        return ReadProblem(
            "SCH07",
            f"Limite de sécurité dépassée : {LIMIT_LABELS['depth']} (> {limits.depth}).",
            "Simplifiez le fichier : un dossier n'a pas besoin d'imbrications profondes.",
            line=line,
            column=column,
        )
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        return ReadProblem(
            "SCH02",
            "Erreur de syntaxe : une tabulation sert d'indentation.",
            "YAML n'accepte que des espaces pour indenter : remplacez les tabulations par des "
            "espaces.",
            line=line,
            column=column,
        )
    opened = _unclosed_quote(text, line)
    if opened is not None:
        quote_line, quote_column = opened
        advice = (
            f"Fermez le guillemet à la fin du texte de la ligne {quote_line} (et doublez ou échappez "
            "un guillemet qui fait partie du texte)."
        )
        if exc.context == "while scanning a quoted scalar" or quote_line == line:
            return ReadProblem(
                "SCH02",
                f"Erreur de syntaxe : le guillemet ouvert ligne {quote_line} n'est jamais fermé.",
                advice, line=quote_line, column=quote_column,
            )
        what, _ = _syntax_hint(problem)
        message = (
            f"Erreur de syntaxe : {what or 'à cette position'}, après un guillemet ouvert ligne {quote_line} "
            "et pas fermé sur sa ligne."
        )
        return ReadProblem("SCH02", message, advice, line=line, column=column)
    broken = _broken_line(exc, text)
    if broken is not None:
        return broken
    what, advice = _syntax_hint(problem)
    message = f"Erreur de syntaxe : {what}." if what else "Erreur de syntaxe à cette position."
    return ReadProblem("SCH02", message, advice, line=line, column=column)


def _broken_line(exc: yaml.MarkedYAMLError, text: str) -> ReadProblem | None:
    """A line that is neither a key nor indented under one (a text continued at the start of the
    line, a « • » bullet): the parser notices it only at the next line; point at the line itself."""
    start, found = exc.context_mark, exc.problem_mark
    if (
        start is None
        or found is None
        or not (exc.problem or "").startswith("could not find expected ':'")
        or start.line >= found.line
    ):
        return None
    lines = yaml_lines(text)
    line = lines[start.line] if start.line < len(lines) else ""
    shown = _shorten(line.strip())
    if line.strip().startswith(("•", "*", "-")):
        message = (
            f"Erreur de syntaxe : la ligne « {shown} » commence par une puce, ce qui ne fait pas une "
            "liste YAML."
        )
        advice = (
            "Écrivez la liste sous sa clé, en retrait, un élément par ligne précédé de « - » "
            "(ex. « - Centre social ») ; ou mettez tout le texte entre guillemets."
        )
    else:
        message = (
            f"Erreur de syntaxe : la ligne « {shown} » n'est ni une clé (« clé: valeur ») ni en "
            "retrait sous la clé dont elle continuerait le texte."
        )
        advice = (
            "Si elle continue le texte de la ligne d'avant, mettez-la en retrait (plus à droite que "
            "la clé), ou écrivez tout le texte entre guillemets sur une ligne ; sinon, ajoutez « : » "
            "après la clé."
        )
    return ReadProblem("SCH02", message, advice, line=start.line + 1, column=start.column + 1)


def _unclosed_quote(text: str, upto: int | None) -> tuple[int, int] | None:
    """Line and column of the first value, up to line `upto`, that opens a quote its line does
    not close: the usual cause of a syntax error further down."""
    import re  # only on a syntax error

    if upto is None:
        return None
    quoted_value = re.compile(r"""^\s*(?:-\s+)*(?:[^\s"'#][^:#]*:\s+)?(?:-\s+)*(["'])""")
    for number, line in enumerate(yaml_lines(text)[:upto], start=1):
        match = quoted_value.match(line)
        if match is None:
            continue
        quote, start = match.group(1), match.end()
        rest = line[start:]
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else re.search(r"'(?!')", rest.replace("''", "  "))
        if closed is None:
            return number, start
    return None


def _char_index(text: str, position: Any, character: Any) -> int | None:
    """Index in `text` of the refused character: libyaml gives a byte offset in UTF-8, the
    pure-Python reader a character offset; the one that points at the character is right."""
    if not isinstance(position, int) or not isinstance(character, int):
        return None
    before = text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore")
    for index in (len(before), position):
        if 0 <= index < len(text) and text[index] == chr(character):
            return index
    return None


def _reader_problem(exc: yaml.YAMLError, text: str) -> ReadProblem:
    character = getattr(exc, "character", None)
    position = _char_index(text, getattr(exc, "position", None), character)
    line = column = None
    if position is not None:
        line, column = line_column(text, position)
    shown = f"U+{character:04X}" if isinstance(character, int) else str(character)
    return ReadProblem(
        "SCH02",
        f"Caractère de contrôle {shown} non accepté dans un fichier YAML ou JSON.",
        "Retirez ce caractère invisible (souvent venu d'un copier-coller depuis un traitement "
        "de texte).",
        line=line,
        column=column,
    )


# --- entry points ----------------------------------------------------------------------------


def read_structured(
    path: Path | str, limits: Limits = DEFAULT_LIMITS, *, stdin: Any = None, follow_links: bool = True
) -> Document:
    """Read one YAML or JSON file (or standard input when `path` is "-") into a Document; see
    `read_bounded` for `follow_links`."""
    doc = Document(source=str(path))
    try:
        if str(path) == "-":
            raw = read_stream_bounded(stdin, limits.file_bytes)
        else:
            raw = read_bounded(Path(path), limits.file_bytes, follow_links=follow_links)
        text, warnings = decode(raw)
    except InputRefused as refused:
        doc.problems.append(refused.problem)
        return doc
    doc.problems.extend(warnings)
    parse_text(text, doc, limits)
    return doc
