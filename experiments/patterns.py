"""Patterns the model was not fitted to, measured on its own output and printed as
Markdown for docs/PATTERNS.md.

What it measures:

1. CSAT against FCR across management variants (each variant's mean over its runs): the slope
   in CSAT points per FCR point and the correlation. SQM Group reports that CSAT moves with FCR
   about one for one.
2. Talk time against the queue within days: per interval, the mean talk time of the calls
   answered in it (relative to what their questions needed) against the callers waiting per
   employee on the phones, both as deviations from the day's mean. KC & Terwiesch (2009) find
   service times fall as load rises.
3. AHT against occupancy across days: the Spearman correlation of a run's daily AHT with its
   daily occupancy (the sign KC & Terwiesch's speed-up implies is negative). Occupancy is partly
   made by AHT itself (longer calls keep the same staff busier), so the same is shown against
   the day's offered contacts per staffed hour, a load the day's calls do not make.

Nothing here was used to set a parameter; the script prints whatever the model does.

    .venv/bin/python experiments/patterns.py [--days 20] [--seeds 3] [--workers 2]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
from scipy import stats

import sim

BASELINE = Path(__file__).resolve().parent / "scenarios" / "baseline.toml"
VARIANTS: dict[str, dict[str, Any]] = {
    "aht": {"policy.name": "aht"},
    "aht, target 240 s": {"policy.name": "aht", "policy.aht_target_seconds": 240.0},
    "aht, target 285 s": {"policy.name": "aht", "policy.aht_target_seconds": 285.0},
    "aht, target 320 s": {"policy.name": "aht", "policy.aht_target_seconds": 320.0},
    "aht, no reviews": {"policy.name": "aht", "policy.review_push": 0.0},
    "volume": {"policy.name": "volume"},
    "quality": {"policy.name": "quality"},
    "quality, aht's coaching": {
        "policy.name": "quality",
        "policy.coaching_hours_per_week": 0.25,
        "policy.training_hours_per_week": 0.25,
    },
}
"""Management variants: the presets and a few of their levers moved (nothing else changes)."""


def interval_talk(calls: pd.DataFrame, intervals: pd.DataFrame) -> pd.DataFrame:
    """Per day and interval: the mean talk / need of the calls answered in it, and the mean
    callers waiting per employee on the phones."""
    answered = calls[calls["outcome"] == "answered"]
    talk = (
        (answered["talk_time"] / answered["need"])
        .groupby([answered["day"], answered["interval"]])
        .mean()
        .rename("talk_per_need")
    )
    table = intervals.set_index(["day", "interval"])
    employees = table["staffed"]  # mean employees on the phones in the interval
    load = (table["queue_mean"] / employees.where(employees > 0)).rename("queue_per_employee")
    return pd.concat([talk, load], axis=1).dropna().reset_index()


def within_day(frame: pd.DataFrame, y: str, x: str) -> dict[str, float]:
    """Slope of y on x and Spearman's rho, both as deviations from each day's mean."""
    demeaned = frame[[y, x]] - frame.groupby("day")[[y, x]].transform("mean")
    if demeaned[x].std() == 0:
        return {"slope": float("nan"), "rho": float("nan"), "n": len(frame)}
    fit = stats.linregress(demeaned[x], demeaned[y])
    rho = stats.spearmanr(demeaned[x], demeaned[y]).statistic
    return {"slope": float(fit.slope), "rho": float(rho), "n": len(frame)}


def across(frame: pd.DataFrame, y: str, x: str) -> dict[str, float]:
    """Slope of y on x, Pearson's r and Spearman's rho over the rows of `frame`."""
    fit = stats.linregress(frame[x], frame[y])
    varies = frame[x].nunique() > 1 and frame[y].nunique() > 1
    rho = stats.spearmanr(frame[x], frame[y]).statistic if varies else float("nan")
    return {"slope": float(fit.slope), "r": float(fit.rvalue), "rho": float(rho), "n": len(frame)}


def one_run(variant: str, days: int, seed: int) -> dict[str, Any]:
    """A run's KPIs, its daily table and its interval talk-time table."""
    scenario = sim.load_scenario(BASELINE, {**VARIANTS[variant], "calendar.days": days})
    result = sim.run(scenario, seed=seed)
    return {
        "variant": variant,
        "seed": seed,
        "kpis": result.kpis,
        "daily": result.daily[["day", "aht", "occupancy"]].assign(
            load=result.daily["offered"] / result.daily["staffed_hours"]
        ),
        "intervals": interval_talk(result.calls, result.intervals),
    }


def measure(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The three patterns from a list of `one_run` results."""
    kpis = pd.DataFrame([{"variant": r["variant"], **r["kpis"]} for r in runs])
    by_variant = kpis.groupby("variant", sort=False)[["fcr", "csat"]].mean()
    talk = [within_day(r["intervals"], "talk_per_need", "queue_per_employee") for r in runs]
    days = [
        {
            "variant": r["variant"],
            **across(r["daily"], "aht", "occupancy"),
            "rho_load": across(r["daily"], "aht", "load")["rho"],
        }
        for r in runs
        if len(r["daily"]) > 2
    ]
    return {
        "csat_fcr": across(by_variant, "csat", "fcr"),
        "csat_fcr_variants": by_variant,
        "talk_queue": pd.DataFrame(
            [{"variant": r["variant"], **t} for r, t in zip(runs, talk, strict=True)]
        ),
        "aht_occupancy": pd.DataFrame(days),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = [(v, args.days, s) for v in VARIANTS for s in range(1, args.seeds + 1)]
    with ProcessPoolExecutor(args.workers) as pool:
        runs = list(pool.map(one_run, *zip(*jobs, strict=True)))
    found = measure(runs)
    c = found["csat_fcr"]
    print(f"{len(VARIANTS)} management variants x {args.seeds} seeds, {args.days} measured days\n")
    print("1. CSAT against FCR across management variants (variant means)\n")
    print("| variant | FCR | CSAT |\n| --- | --- | --- |")
    for name, row in found["csat_fcr_variants"].iterrows():
        print(f"| {name} | {row['fcr']:.1%} | {row['csat']:.1%} |")
    print(
        f"\nslope {c['slope']:.2f} CSAT points per FCR point, Pearson r {c['r']:.2f}, "
        f"Spearman rho {c['rho']:.2f} (n = {c['n']} variants)\n"
    )
    print("2. Talk time (share of the need) against callers waiting per employee, within days\n")
    t = found["talk_queue"].groupby("variant", sort=False)[["slope", "rho"]].mean()
    print("| variant | slope (talk/need per caller waiting per employee) | Spearman rho |")
    print("| --- | --- | --- |")
    for name, row in t.iterrows():
        print(f"| {name} | {row['slope']:+.3f} | {row['rho']:+.2f} |")
    print("\n3. Daily AHT against daily occupancy and load, across days (mean over seeds)\n")
    d = found["aht_occupancy"].groupby("variant", sort=False)[["slope", "rho", "rho_load"]].mean()
    print(
        "| variant | slope (s of AHT per occupancy point) | Spearman rho, occupancy "
        "| Spearman rho, contacts per staffed hour |\n| --- | --- | --- | --- |"
    )
    for name, row in d.iterrows():
        print(
            f"| {name} | {row['slope'] / 100:+.2f} | {row['rho']:+.2f} | {row['rho_load']:+.2f} |"
        )


if __name__ == "__main__":
    main()
