"""The report's languages: every key in every language, and each language's number formats."""

from __future__ import annotations

import datetime as dt
import string

import pytest

from sim.errors import InputError
from sim.report.language import Language, languages, table


def keys(data: dict, prefix: str = "") -> set[str]:
    """Every leaf key of a nested table, dotted."""
    out = set()
    for key, value in data.items():
        if isinstance(value, dict):
            out |= keys(value, f"{prefix}{key}.")
        else:
            out.add(prefix + key)
    return out


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_english_and_dutch_exist() -> None:
    assert {"en", "nl"} <= set(languages())


@pytest.mark.parametrize("code", [c for c in languages() if c != "en"])
def test_every_key_is_in_every_language(code: str) -> None:
    english, other = table("en"), table(code)
    assert keys(other) == keys(english), (
        f"missing in {code}: {sorted(keys(english) - keys(other))}; "
        f"only in {code}: {sorted(keys(other) - keys(english))}"
    )
    for key, text in english["text"].items():  # the same blanks to fill in
        assert placeholders(other["text"][key]) == placeholders(text), key
    assert len(other["format"]["months"]) == 12


def test_a_missing_key_is_found() -> None:
    assert keys({"text": {"a": "x", "b": "y"}}) != keys({"text": {"a": "x"}})


def test_english_formats() -> None:
    en = Language("en")
    assert en.money(1234.56, 2) == "€1,234.56"
    assert en.money(-304425, signed=True) == "−\u2060€304,425"  # no line break after the sign
    assert en.money(304425, signed=True) == "+\u2060€304,425"
    assert en.percent(0.8523) == "85.2%"
    assert en.difference("csat", 0.031) == "+3.1\u00a0pp"
    assert en.date(dt.date(2026, 3, 5)) == "5 March 2026"
    assert en.plotly_separators == ".,"


def test_dutch_formats() -> None:
    nl = Language("nl")
    assert nl.money(1234.56, 2) == "€\u00a01.234,56"  # a space that does not break
    assert nl.money(-1234.56, 2) == "−\u2060€\u00a01.234,56"
    assert nl.number(1234567.891, 1) == "1.234.567,9"
    assert nl.percent(0.8523) == "85,2%"
    assert nl.date(dt.date(2026, 3, 5)) == "5 maart 2026"
    assert nl.weekday("wed") == "wo"
    assert nl.plotly_separators == ",."
    assert nl.policy("quality") == "Gestuurd op kwaliteit"
    assert nl.join(["a", "b", "c"]) == "a, b en c"


def test_rounding_to_zero_has_no_sign() -> None:
    assert Language("en").number(-0.0004, 2) == "0.00"


def test_another_currency_replaces_the_euro_sign() -> None:
    usd = Language("en", currency="USD")
    assert usd.money(1500) == "USD 1,500" and "USD" in usd.kpi("profit_after_churn")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(InputError, match="fr"):
        Language("fr")
