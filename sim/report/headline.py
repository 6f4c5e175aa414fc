"""The headline in words, from the data: who wins on profit after churn, by how much, and at
what service level."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.experiments.statistics import mean_ci, paired_by_seed
from sim.report.checks import Note
from sim.report.language import Language


@dataclass
class Finding:
    """The best variant on profit after churn against the runner-up, paired."""

    winner: str
    other: str
    delta: float  # mean paired difference, winner - other
    low: float
    high: float
    other_mean: float
    service_level: tuple[float, float]  # winner's, other's

    @property
    def clear(self) -> bool:
        return self.low > 0 or self.high < 0


def finding(runs: pd.DataFrame, kpi: str = "profit_after_churn") -> Finding | None:
    """The winner and runner-up on `kpi` among the runs that are ok (None with one variant)."""
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    means = ok.groupby("variant", sort=False)[kpi].mean().sort_values(ascending=False)
    if len(means) < 2:
        return None
    winner, other = str(means.index[0]), str(means.index[1])
    d = paired_by_seed(ok, kpi, winner, other)
    sl = ok.groupby("variant")["service_level"].mean()
    return Finding(
        winner,
        other,
        d["mean"],
        d["ci_low"],
        d["ci_high"],
        float(means.iloc[1]),
        (float(sl[winner]), float(sl[other])),
    )


def headline(runs: pd.DataFrame, lang: Language, reference: str | None = None) -> str:
    """The headline sentences (`headline_parts`) as one paragraph."""
    return " ".join(headline_parts(runs, lang, reference))


def headline_parts(runs: pd.DataFrame, lang: Language, reference: str | None = None) -> list[str]:
    """One sentence: the winner, the margin with its CI, and both service levels; a second one
    against `reference` (the experiment's first variant, e.g. today's policy) when that is
    neither of the two."""
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    if ok.empty:
        return [lang("no_data")]
    if "profit_after_churn" not in ok:  # a pure queue: no money, no headline in euros
        return []
    found = finding(ok)
    if found is None:
        variant = str(ok["variant"].iloc[0])
        values = mean_ci(ok["profit_after_churn"].to_numpy())
        if values["n"] < 2:
            return [
                lang(
                    "headline_run",
                    policy=lang.policy(variant),
                    value=lang.money(values["mean"]),
                    sl=lang.percent(float(ok["service_level"].mean())),
                )
            ]
        return [
            lang(
                "headline_single",
                policy=lang.policy(variant),
                value=lang.money(values["mean"]),
                low=lang.money(values["ci_low"]),
                high=lang.money(values["ci_high"]),
            )
        ]
    if found.low is None or math.isnan(
        found.low
    ):  # fewer than two paired replications: no interval, no verdict
        return [
            lang(
                "headline_too_few",
                winner=lang.policy(found.winner),
                other=lang.policy(found.other),
                delta=lang.money(found.delta, signed=True),
            )
        ]
    share = found.delta / abs(found.other_mean) if found.other_mean else float("nan")
    key = "headline_better" if found.clear else "headline_tie"
    text = lang(
        key,
        winner=lang.policy(found.winner),
        other=lang.policy(found.other),
        delta=lang.money(found.delta, signed=True),
        percent=lang.percent(share, 1, signed=True),
        low=lang.money(found.low, signed=True),
        high=lang.money(found.high, signed=True),
        sl_winner=lang.percent(found.service_level[0]),
        sl_other=lang.percent(found.service_level[1]),
    )
    if reference is None or reference in (found.winner, found.other):
        return [text]
    d = paired_by_seed(ok, "profit_after_churn", found.winner, reference)
    base = float(ok.loc[ok["variant"] == reference, "profit_after_churn"].mean())
    versus = lang(
        "headline_reference",
        reference=lang.policy(reference),
        delta=lang.money(d["mean"], signed=True),
        percent=lang.percent(d["mean"] / abs(base) if base else float("nan"), 1, signed=True),
        low=lang.money(d["ci_low"], signed=True),
        high=lang.money(d["ci_high"], signed=True),
    )
    return [text, versus]


def note_lines(notes: list[Note], lang: Language) -> list[str]:
    """What the folder's checks found, as sentences the headline starts with: how many runs
    of how many finished, which variants are missing or short, what could not be checked."""
    lines = []
    for note in notes:
        values = dict(note.values)
        if "status" in values:
            status = str(values["status"])
            key = "status_" + status.replace(" ", "_")
            values["status"] = lang(key) if key in lang.table["text"] else status
            values["done"], values["total"] = (
                lang.number(values["done"]),
                lang.number(values["total"]),
            )
        if "short" in values:
            items = [
                lang("folder_short_item", variant=lang.policy(v), done=done, total=total)
                for v, done, total in values.pop("short")
            ]
            values["variants"] = lang.join(items)
        lines.append(lang(note.key, **values))
    return lines
