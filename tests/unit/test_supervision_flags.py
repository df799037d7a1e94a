"""Every comment is checked when it is recorded: a valid personnummer or samordningsnummer is
flagged, an invoice number or a number with a wrong check digit or an impossible date is not;
phone numbers and e-mail addresses are flagged; lexicon terms match as words."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.supervision.defaults import default_terms
from domain.supervision.flags import FlagKind, flags_in
from domain.supervision.identity_numbers import luhn_valid
from domain.supervision.lexicon import Lexicon

DEFAULTS = Lexicon("default-1", default_terms(1))
MANY = settings(max_examples=300, deadline=None)


def check_digit(nine: str) -> str:
    return next(d for d in "0123456789" if luhn_valid(nine + d))


def written(day: date, birth: int, *, coordination: bool, long: bool, separator: str, wrong_check: bool = False) -> str:
    short = f"{day:%y%m}{day.day + (60 if coordination else 0):02d}{birth:03d}"
    check = check_digit(short)
    if wrong_check:
        check = str((int(check) + 1) % 10)
    date_part = f"{day.year:04d}{short[2:6]}" if long else short[:6]
    return f"{date_part}{separator}{short[6:]}{check}"


def kinds(text: str) -> list[FlagKind]:
    return [flag.kind for flag in flags_in(text, DEFAULTS)]


days = st.dates(min_value=date(1901, 1, 1), max_value=date(2025, 12, 31))
forms = st.sampled_from([(False, "-"), (False, ""), (True, "-"), (True, "")])


@MANY
@given(day=days, birth=st.integers(0, 999), form=forms)
def test_a_valid_personnummer_is_flagged_where_it_stands(day, birth, form):
    long, separator = form
    number = written(day, birth, coordination=False, long=long, separator=separator)
    text = f"Mitt personnummer är {number}, tack."

    flags = flags_in(text, DEFAULTS)

    assert [f.kind for f in flags] == [FlagKind.PERSONAL_IDENTITY_NUMBER]
    assert text[flags[0].start : flags[0].end] == number


@MANY
@given(day=days, birth=st.integers(0, 999), form=forms)
def test_a_valid_samordningsnummer_is_flagged_as_one(day, birth, form):
    long, separator = form
    number = written(day, birth, coordination=True, long=long, separator=separator)

    assert kinds(f"Samordningsnummer {number}") == [FlagKind.COORDINATION_NUMBER]


@MANY
@given(day=days, birth=st.integers(0, 999), form=forms)
def test_a_number_whose_check_digit_is_wrong_is_not_a_personnummer(day, birth, form):
    long, separator = form
    number = written(day, birth, coordination=False, long=long, separator=separator, wrong_check=True)

    assert FlagKind.PERSONAL_IDENTITY_NUMBER not in kinds(f"Fakturanummer {number}")


@MANY
@given(
    year=st.integers(0, 99),
    month=st.integers(0, 99),
    day=st.integers(0, 99),
    birth=st.integers(0, 999),
)
def test_a_number_with_an_impossible_date_is_not_flagged_even_with_a_right_check_digit(year, month, day, birth):
    real_day = day - 60 if day > 60 else day
    possible = 1 <= month <= 12 and 1 <= real_day <= max(monthrange(y, month)[1] for y in (1900 + year, 2000 + year))
    nine = f"{year:02d}{month:02d}{day:02d}{birth:03d}"
    number = f"{nine[:6]}-{nine[6:]}{check_digit(nine)}"

    identity = {FlagKind.PERSONAL_IDENTITY_NUMBER, FlagKind.COORDINATION_NUMBER} & set(kinds(f"Nr {number}"))

    assert bool(identity) == possible


def test_an_invoice_number_is_not_flagged():
    assert kinds("Min faktura 8112189875 är betald, OCR 4711081522 och order 12345.") == []


def test_a_personnummer_with_a_plus_is_of_someone_over_a_hundred():
    number = written(date(1920, 5, 17), 123, coordination=False, long=False, separator="+")

    assert kinds(f"Farfar har {number}") == [FlagKind.PERSONAL_IDENTITY_NUMBER]


def test_digits_that_run_on_are_not_a_personnummer():
    number = written(date(1981, 12, 18), 987, coordination=False, long=True, separator="")

    assert kinds(f"Referens 99{number}") == []


@MANY
@given(
    prefix=st.sampled_from(["070", "072", "073", "076", "079"]),
    rest=st.integers(0, 9_999_999),
    style=st.sampled_from(["{p}-{a} {b} {c}", "{p}{r}", "+46 {q} {a} {b} {c}", "0046{q}{r}", "{p} {a}{b}{c}"]),
)
def test_a_swedish_mobile_number_is_flagged_however_it_is_grouped(prefix, rest, style):
    r = f"{rest:07d}"
    number = style.format(p=prefix, q=prefix[1:], r=r, a=r[:3], b=r[3:5], c=r[5:])

    flags = flags_in(f"Ring mig på {number} i kväll", DEFAULTS)

    # Ten digits written together may read as a personnummer too (0702147257: born 14 February
    # 2007, check digit right): it is flagged once, as the identity number, the graver of the two.
    expected = FlagKind.PERSONAL_IDENTITY_NUMBER if style == "{p}{r}" and reads_as_personnummer(number) else None
    assert [f.kind for f in flags] == [expected or FlagKind.PHONE_NUMBER]


def reads_as_personnummer(digits: str) -> bool:
    year, month, day = 2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    return 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1] and luhn_valid(digits)


def test_landline_numbers_are_flagged_and_other_figures_are_not():
    assert kinds("Växeln 08-123 456 78 eller 0123-191 60") == [FlagKind.PHONE_NUMBER] * 2
    assert kinds("+46 (0)8 123 456 78") == [FlagKind.PHONE_NUMBER]
    assert kinds("Dnr KS 2026/0042, mötet 2026-03-02 kl. 08 00, budget 100 000 kr, postnummer 615 30") == []


@MANY
@given(
    local=st.from_regex(r"[a-z][a-z0-9._-]{0,20}[a-z0-9]", fullmatch=True),
    domain=st.from_regex(r"[a-z][a-z0-9-]{0,15}[a-z0-9]\.(se|nu|com|org)", fullmatch=True),
)
def test_an_email_address_is_flagged_with_its_whole_span(local, domain):
    address = f"{local}@{domain}"
    text = f"Mejla {address}."

    flags = flags_in(text, DEFAULTS)

    assert [f.kind for f in flags] == [FlagKind.EMAIL_ADDRESS]
    assert text[flags[0].start : flags[0].end] == address


def test_at_signs_that_make_no_address_are_not_flagged():
    assert kinds("@kommunen svarar @ 10, mejla mig@ eller @se") == []
