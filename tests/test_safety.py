"""text.safety: the shortcut for ordinary text gives exactly what the full cleaning gives."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cdv_check.text import safety


def _cleaned_in_full(text: str) -> str:
    text = safety._CONTROLS.sub(" ", safety.unicode_only(text))
    return safety._LEGACY_COMMAND.sub("# ", safety._LEADING_COMMAND.sub(r"\1 ", text))


@given(st.text(alphabet=st.characters(codec=None) | st.sampled_from(":#[ \u2028\u202e\u061c\x85\x9b\ud800\u00a0")))
@example("::warning::pris pour une commande")
@example("  ::error::")
@example("a ##[group] b")
@example("Association\u202e inversée")
@example("deux\u2028lignes")
@example("octet \udc9b perdu")
@settings(max_examples=max(1000, getattr(settings.default, "max_examples", 0)))  # the long profile's when larger
def test_clean_is_the_full_cleaning_for_every_text(text: str) -> None:
    assert safety.clean(text) == _cleaned_in_full(text)


def test_an_ordinary_text_comes_back_as_it_is() -> None:
    text = "Atelier couture : premier pas vers l'emploi — 4 000 €"
    assert safety.clean(text) is text


def test_what_xml_refuses_is_exactly_the_complement_of_xml_chars() -> None:
    """`_NOT_XML` lists the refused characters (cheap to compile); they are exactly those outside
    XML 1.0's `Char` production, over the whole of Unicode."""
    import re
    import sys
    from array import array

    outside_xml = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    # every code point, surrogates included: read as UTF-32, five times as fast as a join of chr()
    every = array("I", range(sys.maxunicode + 1)).tobytes().decode(f"utf-32-{sys.byteorder[0]}e", "surrogatepass")
    assert len(every) == sys.maxunicode + 1 and every[0xD800] == chr(0xD800) and every[-1] == chr(sys.maxunicode)
    assert safety._NOT_XML.findall(every) == outside_xml.findall(every)
