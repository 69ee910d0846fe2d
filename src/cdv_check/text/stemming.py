"""One light French stemmer, for every search of words (objectives, priorities, the words a
public is described with): « jeunes » finds « jeune », « sportives » « sportif », and
« apprendre » « apprentissage » (both come down to « appren… »).

A stem is compared to another by `word_score`: the same stem, or one that begins the other (four
letters or more on the typed side, five on the found side): no dictionary, no language model,
and nothing that depends on the call.
"""

from __future__ import annotations

STOPWORDS = frozenset(
    ["a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les",
     "leur", "leurs", "ou", "par", "pour", "sa", "se", "ses", "sur", "un", "une", "y"]
)
"""Words that say nothing about an objective: searched for only when the text holds nothing else."""

# Plural, then feminine and the usual adjective pairs (sportive/sportif).
_ENDINGS = (("ives", "if"), ("ive", "if"), ("euses", "eur"), ("euse", "eur"), ("elles", "el"),
            ("elle", "el"), ("iennes", "ien"), ("ienne", "ien"), ("aux", "al"))
# A verb and its nouns: apprendre / apprentissage, former / formation, accompagner /
# accompagnement, insérer / insertion. Longest first; the stem keeps four letters at least.
_DERIVED = ("issements", "issement", "issages", "issage", "ations", "ation", "ements", "ement", "ments", "ment",
            "itions", "ition", "tions", "tion", "sions", "sion", "ages", "age", "dre", "er", "ir")
_PREFIX_MIN = 4
"""A typed word this long also finds the longer words it begins (décroch → décrochage)."""
_FOUND_PREFIX_MIN = 5
"""A word of a label this long also finds the longer typed words it begins (apprentissage →
« appren », the stem of apprendre)."""


def stem(word: str) -> str:
    """The stem of a folded word: « jeunes », « jeune » → « jeun » ; « sportives » → « sportif » ;
    « apprendre » → « appren », « apprentissage » → « apprent »."""
    for ending, replacement in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + replacement
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    for ending in _DERIVED:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def word_score(wanted: str, stems: set[str] | frozenset[str]) -> int:
    """3 for the word itself (any form), 2 for a longer word it begins or a word that begins it,
    0 when absent."""
    if wanted in stems:
        return 3
    if len(wanted) >= _PREFIX_MIN and any(s.startswith(wanted) for s in stems):
        return 2
    if any(len(s) >= _FOUND_PREFIX_MIN and wanted.startswith(s) for s in stems):
        return 2
    return 0
