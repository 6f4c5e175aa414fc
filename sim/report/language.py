"""Words and number formats of one language, from its table in `sim/report/languages/`.

Every label, title, caption and number format of the report and the talk comes from here, so
adding a language is adding a table (`xx.toml` with the keys of `en.toml`).
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from sim.errors import UsageError
from sim.metrics.kpi_catalog import MONEY_KPIS as MONEY_LINES

PERCENT_KPIS = {
    "csat",
    "service_level",
    "abandonment_rate",
    "fcr",
    "failure_demand_share",
    "attrition_rate_annual",
    "expected_attrition_annual",
    "conversion_rate",
    "occupancy",
    "labour_share",
    "shrinkage",
}
"""KPIs that are shares, shown as percentages."""
SIGNED_KPIS = {"base_nps": 1, "reputation": 3, "mean_reputation": 3, "net_customers": 0}
"""KPIs around zero, shown with their sign at this many decimals (reputation moves in
thousandths of the base: a 20-day run shows +0.003)."""
MONEY_KPIS = MONEY_LINES  # the ledger's lines in money (sim.metrics.kpi_catalog)
"""KPIs in euros."""


def languages() -> list[str]:
    """The codes of the languages that have a table."""
    folder = resources.files("sim.report") / "languages"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


@cache
def table(code: str) -> dict[str, Any]:
    """The raw table of language `code`."""
    if code not in languages():
        raise UsageError(f"--lang {code!r}: no such language; choose one of {languages()}")
    text = (resources.files("sim.report") / "languages" / f"{code}.toml").read_text("utf-8")
    return tomllib.loads(text)


def _literal(text: str) -> str:
    """`text` as literal text inside a str.format template (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


class Language:
    """Texts and number formats of one language (`Language("nl")`)."""

    def __init__(self, code: str = "en", currency: str = "EUR"):
        self.code = code
        self.table = table(code)
        self.symbol = "€" if currency in ("EUR", "€") else currency  # the scenario's currency
        self.format = dict(self.table["format"])
        if self.symbol != "€":  # a currency code: "USD 1,500"
            self.format["currency"] = _literal(self.symbol) + " {}"

    def _money_sign(self, text: str) -> str:
        return text.replace("€", self.symbol)

    def __call__(self, key: str, **values: Any) -> str:
        """The text `key` of section [text], its {placeholders} filled in. The currency goes
        in as a value, never into the template, so no spliced text is read as a placeholder."""
        template = self.table["text"][key].replace("€", "{_currency_}")
        return template.format(**values, _currency_=self.symbol)

    def policy(self, name: str) -> str:
        """A policy's name as people say it (an unknown name is shown as it is)."""
        return self.table["policy"].get(name, name)

    def kpi(self, name: str) -> str:
        """A KPI's label with its unit."""
        return self._money_sign(self.table["kpi"].get(name, name.replace("_", " ")))

    def part(self, split: str, name: str) -> str:
        """A part of an exact split (`sim.experiments.decomposition`) as people say it (an
        unknown part is shown as it is)."""
        return self.table["part"].get(split, {}).get(name, name)

    def money_line(self, name: str) -> str:
        return self.table["money"][name]

    def join(self, items: list[str]) -> str:
        """ "a, b and c" in this language."""
        if len(items) < 2:
            return "".join(items)
        return ", ".join(items[:-1]) + self.format["and"] + items[-1]

    def weekday(self, code: str) -> str:
        return self.table["weekday"].get(code, code)

    # --- numbers ----------------------------------------------------------------------------

    def number(self, x: float, decimals: int = 0, signed: bool = False) -> str:
        """`x` with this language's separators (and a sign when `signed`); n/a for NaN."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "n/a"
        text = f"{abs(x):,.{decimals}f}"
        text = text.translate({ord(","): "\0", ord("."): self.format["decimal"]})
        text = text.replace("\0", self.format["thousands"])
        negative = round(x, decimals) < 0  # -0.0004 at 2 decimals shows as 0.00, unsigned
        sign = self.format["minus"] if negative else ("+" if signed and x > 0 else "")
        return sign + text

    def money(self, x: float, decimals: int = 0, signed: bool = False) -> str:
        """Euros: "€1,234" in English, "€ 1.234" in Dutch; a sign goes first ("−€1,234")."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "n/a"
        text = self.number(x, decimals, signed)
        sign = text[0] if text[0] in ("+", self.format["minus"]) else ""
        joined = sign + "\u2060" if sign else ""  # a word joiner: no line break after the sign
        return joined + self.format["currency"].format(text[len(sign) :])

    def percent(self, x: float, decimals: int = 1, signed: bool = False) -> str:
        """A share as a percentage ("85.2%", "85,2%")."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "n/a"
        return self.number(100 * x, decimals, signed) + "%"

    def value(self, kpi: str, x: float, signed: bool = False) -> str:
        """A KPI's value as shown: euros, a percentage or a plain number."""
        if kpi in MONEY_KPIS:
            return self.money(x, 0, signed)
        if kpi in PERCENT_KPIS:
            return self.percent(x, 1, signed)
        if kpi == "nps":
            return self.number(x, 0, True)
        if kpi in SIGNED_KPIS:
            return self.number(x, SIGNED_KPIS[kpi], True)
        return self.number(x, 0 if abs(x) >= 100 else 2 if abs(x) < 10 else 1, signed)

    def difference(self, kpi: str, x: float) -> str:
        """A difference of a KPI: shares in percentage points, signed."""
        if kpi in PERCENT_KPIS:
            return self.number(100 * x, 1, True) + self.format["points"]
        return self.value(kpi, x, signed=True)

    def date(self, day: dt.date) -> str:
        """A date with this language's month names."""
        month = self.format["months"][day.month - 1]
        return self.format["date"].format(day=day.day, month=month, year=day.year)

    @property
    def plotly_separators(self) -> str:
        """Plotly's `layout.separators`: the decimal then the thousands separator."""
        return self.format["decimal"] + self.format["thousands"]

    @property
    def currency_prefix(self) -> str:
        """What goes before an amount on an axis ("€" or "€ ")."""
        return self.format["currency"].split("{}")[0]
