"""The SIRET key and the everyday e-mail shape are checked without their libraries' import cost:
these tests hold them to the libraries' answers (stdnum, email_validator) as oracles."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from cdv_check.rules.identifiants import email_reason, plainly_valid_email, siret_checksum_ok


def _luhn_completed(digits: str) -> str:
    for last in "0123456789":
        if luhn.is_valid(digits + last):
            return digits + last
    raise AssertionError("unreachable")


digits14 = st.text("0123456789", min_size=14, max_size=14)
la_poste = st.text("0123456789", min_size=5, max_size=5).map(lambda tail: "356000000" + tail)
luhn_valid = st.tuples(
    st.text("0123456789", min_size=8, max_size=8), st.text("0123456789", min_size=4, max_size=4)
).map(lambda parts: _luhn_completed(_luhn_completed(parts[0]) + parts[1]))


@given(digits14 | la_poste | luhn_valid)
@example("35600000000048")  # La Poste's head office: the ordinary key
@example("35600000012345")
@example("44306184100047")
def test_siret_key_is_the_one_of_stdnum(digits: str) -> None:
    assert siret_checksum_ok(digits) == stdnum_siret.is_valid(digits)


def _accepted(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


local_parts = st.from_regex(r"[A-Za-z0-9_+-]{1,70}(\.[A-Za-z0-9_+.-]{0,20}){0,3}", fullmatch=True)
labels = st.from_regex(r"[A-Za-z0-9-]{1,70}", fullmatch=True)
tlds = st.from_regex(r"[A-Za-z0-9]{1,5}", fullmatch=True) | st.sampled_from(
    ["fr", "FR", "test", "Local", "arpa", "onion", "localhost", "invalid", "museum"]
)


@given(local_parts, st.lists(labels, min_size=0, max_size=4), tlds)
@example("julie.marchal", ["fil-aiguille-bellecroix"], "fr")
@example("a" * 64, ["b" * 63, "c" * 63, "d" * 63], "fr")
@example("x", ["ab--cd"], "fr")
def test_everyday_addresses_are_accepted_by_email_validator(
    local: str, domain_labels: list[str], tld: str
) -> None:
    address = f"{local}@{'.'.join([*domain_labels, tld])}"
    if plainly_valid_email(address):
        assert _accepted(address)
    assert (email_reason(address) is None) == _accepted(address)


@pytest.mark.parametrize(
    "address",
    ["presidente@fil-aiguille-bellecroix.fr", "Julie.Marchal+cdv@asso-57.metz.fr", "a_b@x.eu"],
)
def test_everyday_addresses_take_the_fast_path(address: str) -> None:
    assert plainly_valid_email(address)
    assert email_reason(address) is None


@pytest.mark.parametrize(
    "address",
    ["julie@localhost", "julie@asso.test", "julie..marchal@asso.fr", "julie@-asso.fr", "aïcha@asso.fr"],
)
def test_unusual_addresses_are_left_to_email_validator(address: str) -> None:
    assert not plainly_valid_email(address)
    assert (email_reason(address) is None) == _accepted(address)
