"""Every figure the README's headline and docs/MODEL.md "What drives the result" quote,
recomputed from results folders and printed as Markdown, so no number in the docs is typed in
by hand. Missing comparisons are run first (resumable: a folder that holds them is reused).

    .venv/bin/python experiments/claims.py [--comparison results/policy-comparison]
        [--fixed results/policy-comparison-fixed-staff] [--decomposition DIR]
        [--uncertainty DIR] [--workers 2]

The decomposition the docs quote comes from `experiments/what_drives_the_result.py
--replications 5 --days 20 --out results/what-drives-20d`, the plausible worlds from `ccsim
uncertainty experiments/uncertainty.toml --out results/uncertainty`, the policy map and the
Sobol' indices from `ccsim sweep experiments/policy_map.toml --out results/policy-map` and
`ccsim sensitivity experiments/policy_difference.toml --out results/policy-difference`;
the word-of-mouth channel's year-long share from `ccsim compare
experiments/word_of_mouth_year.toml --out results/word-of-mouth-year` and its ends of range from
`ccsim compare experiments/word_of_mouth_ranges.toml --out results/word-of-mouth-ranges`;
without their folders those sections say which command makes them. The curve over the AHT
target is run here (results/claims-targets, resumable).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

import sim
from sim.experiments.decomposition import BASE, TOTAL, adds_up
from sim.experiments.statistics import mean_ci, paired_by_seed

HERE = Path(__file__).resolve().parent
TABLE_KPIS = [
    ("profit_after_churn", "profit after churn and acquisition (EUR)"),
    ("profit", "profit (EUR)"),
    ("sales_revenue", "sales revenue (EUR)"),
    ("recurring_revenue", "recurring revenue (EUR)"),
    ("cost", "cost (EUR)"),
    ("labour_cost", "  labour (EUR)"),
    ("other_cost", "  other (EUR)"),
    ("churned_value", "future value lost to churn (EUR)"),
    ("acquired_value", "future value won with new customers (EUR)"),
    ("newcomers", "new customers"),
    ("sales", "sales"),
    ("conversion_rate", "conversion of offers"),
    ("csat", "CSAT (4–5, abandoned callers included)"),
    ("nps", "NPS"),
    ("fcr", "first-contact resolution"),
    ("failure_demand_share", "failure demand"),
    ("service_level", "service level (20 s)"),
    ("abandonment_rate", "abandonment"),
    ("aht", "AHT (s)"),
    ("occupancy", "occupancy"),
    ("paid_hours", "paid hours"),
    ("expected_attrition_annual", "attrition expected from the quit hazard, annualised"),
]
PERCENT = {"conversion_rate", "csat", "fcr", "failure_demand_share", "service_level"}
PERCENT |= {"abandonment_rate", "occupancy", "expected_attrition_annual"}
LEDGER = ["sales_revenue", "recurring_revenue", "cost", "churned_value"]


def number(x: float, digits: int = 0, signed: bool = False) -> str:
    """A number with thousands separators and a true minus sign; '0', never '−0'."""
    text = f"{x:+,.{digits}f}" if signed else f"{x:,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        text = text.lstrip("+-")
    return text.replace("-", "−")


def mean_pm(kpi: str, values: pd.Series) -> str:
    """Mean ± half-width of its 95 % CI; the half-width is a width, so never signed."""
    ci = mean_ci(values.to_numpy(float))
    half = (ci["ci_high"] - ci["ci_low"]) / 2
    if kpi in PERCENT:
        return f"{number(100 * ci['mean'], 1)} ± {number(100 * half, 1)} %"
    digits = 0 if abs(ci["mean"]) >= 100 or kpi == "nps" else 2
    return f"{number(ci['mean'], digits, kpi == 'nps')} ± {number(half, digits)}"


def interval(d: dict[str, float], percent: bool = False) -> str:
    """A paired difference: mean [95 % CI] (percentage points when `percent`)."""
    scale, digits = (100, 1) if percent else (1, 0)
    cells = [number(scale * d[k], digits, signed=True) for k in ("mean", "ci_low", "ci_high")]
    unit = " points" if percent else ""
    return f"{cells[0]}{unit} [{cells[1]}; {cells[2]}]"


def paired_experiment(name: str, **tables: Any) -> dict[str, Any]:
    """A small comparison on the baseline: 5 paired replications, profit after churn."""
    return {
        "name": name,
        "scenario": str(HERE / "scenarios" / "baseline.toml"),
        "replications": 5,
        "seed": 1,
        "kpis": ["profit_after_churn"],
        **tables,
    }


def missing(path: Path, command: str) -> bool:
    """Whether `path` is missing; if so, say which command makes it."""
    if path.is_file():
        return False
    print(f"(no {path}: run {command})\n")
    return True


def compared(folder: Path, experiment: Path, workers: int) -> pd.DataFrame:
    """The runs of a comparison: read from `folder`, run there first if needed (resumable)."""
    if not (folder / "runs.parquet").is_file():
        print(f"<!-- running {experiment.name} into {folder} -->")
        sim.compare(experiment, out=folder, workers=workers, progress=True)
    runs = pd.read_parquet(folder / "runs.parquet")
    return runs[runs["status"] == "ok"]


def policy_table(runs: pd.DataFrame) -> None:
    variants = list(dict.fromkeys(runs["variant"]))
    reps = runs.groupby("variant")["seed"].nunique().min()
    print(f"Key figures ({reps} paired replications; mean ± half-width of the 95 % CI)\n")
    print("| KPI | " + " | ".join(variants) + " |")
    print("| --- |" + " --- |" * len(variants))
    for kpi, label in TABLE_KPIS:
        cells = [mean_pm(kpi, runs.loc[runs["variant"] == v, kpi]) for v in variants]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()


def headline(runs: pd.DataFrame, label: str) -> dict[str, float]:
    """The paired differences quality − aht and quality − volume, with the ledger's parts."""
    base = runs[runs["variant"] == "aht"]["profit_after_churn"].mean()
    d = paired_by_seed(runs, "profit_after_churn", "quality", "aht")
    print(f"{label}: quality − aht profit after churn {interval(d)} EUR ", end="")
    print(f"({number(100 * d['mean'] / base, 1)} % of the aht center's), n = {d['n']}")
    v = paired_by_seed(runs, "profit_after_churn", "quality", "volume")
    print(f"{label}: quality − volume profit after churn {interval(v)} EUR")
    parts = {k: paired_by_seed(runs, k, "quality", "aht")["mean"] for k in LEDGER}
    print(
        f"{label}: by part (quality − aht): sales revenue {number(parts['sales_revenue'], 0, True)}"
        f", recurring revenue {number(parts['recurring_revenue'], 0, True)}, cost "
        f"{number(parts['cost'], 0, True)}, churned value {number(parts['churned_value'], 0, True)}"
    )
    for kpi in ("csat", "service_level", "paid_hours"):
        dk = paired_by_seed(runs, kpi, "quality", "aht")
        print(f"{label}: quality − aht {kpi} {interval(dk, percent=kpi in PERCENT)}")
    means = runs.groupby("variant")[["handled", "aht", "staffed_hours", "offered"]].mean()
    for v, row in means.iterrows():
        work = row["handled"] * row["aht"] / 3600
        print(
            f"{label}: {v} handles {number(row['handled'])} contacts at AHT "
            f"{number(row['aht'])} s: workload {number(work)} h, on the phones "
            f"{number(row['staffed_hours'])} h"
        )
    print()
    return d


def decomposition(folder: Path) -> None:
    path = folder / "decomposition.csv"
    if missing(path, f"experiments/what_drives_the_result.py --out {folder}"):
        return
    table = pd.read_csv(path)
    for split, part in table.groupby("split", sort=False):
        total = part.loc[part["part"] == TOTAL].iloc[0]
        problems = adds_up(part)
        added = "yes" if not problems else f"NO: {problems[0]}"
        print(f"{split} (n = {int(total['n'])}; the parts add up to the total: {added})\n")
        print("| part | mean [95 % CI] | share of the total |\n| --- | --- | --- |")
        for row in part.itertuples(index=False):
            share = row.mean / total["mean"] if total["mean"] else math.nan
            cell = interval({"mean": row.mean, "ci_low": row.ci_low, "ci_high": row.ci_high})
            shown = "" if row.part in (TOTAL,) else f"{number(100 * share, 0, True)} %"
            name = "with every mechanism off" if row.part == BASE else row.part
            print(f"| {name} | {cell} | {shown} |")
        print()


def default_world(folder: Path, data: dict) -> None:
    """Where the default world's quality − aht lies among the kept worlds' (same horizon)."""
    differences = pd.read_parquet(folder / "differences.parquet")
    mine = differences[
        (differences["variant_a"] == "aht")
        & (differences["variant_b"] == "quality")
        & (differences["outcome"] == "profit_after_churn")
    ]
    if mine.empty:
        return
    spread = -mine["mean_diff"].to_numpy(float)  # quality − aht
    experiment = paired_experiment(
        "claims-default-world",
        base={"calendar.days": data["days"]},
        policies=["aht", "quality"],
    )
    out = folder.parent / "claims-default-world"
    runs = sim.compare(experiment, out=out).runs
    d = paired_by_seed(runs[runs["status"] == "ok"], "profit_after_churn", "quality", "aht")
    rank = float((spread < d["mean"]).mean())
    print(
        f"the default world's quality − aht over {data['days']} days: {interval(d)} "
        f"({d['n']} replications), at percentile {number(100 * rank, 0)} of the kept "
        f"worlds (their median {number(float(pd.Series(spread).median()), 0, True)})"
    )


def service_gap(folder: Path) -> None:
    """quality − aht in service level across the kept worlds, and whether it goes with the
    size of the profit difference (equal service across worlds)."""
    runs = pd.read_parquet(folder / "runs.parquet")
    runs = runs[(runs["status"] == "ok") & runs["variant"].isin(["aht", "quality"])]
    means = runs.groupby(["world", "variant"])[["service_level", "profit_after_churn"]].mean()
    wide = means.unstack("variant").dropna()
    gap = wide[("service_level", "quality")] - wide[("service_level", "aht")]
    money = wide[("profit_after_churn", "quality")] - wide[("profit_after_churn", "aht")]
    rho = gap.rank().corr(money.rank())
    q = gap.quantile([0.05, 0.5, 0.95])
    print(
        f"service level, quality − aht, across the {len(gap)} kept worlds: median "
        f"{number(100 * q[0.5], 1, True)} points (5–95 %: {number(100 * q[0.05], 1, True)} to "
        f"{number(100 * q[0.95], 1, True)}); Spearman with the profit difference "
        f"{number(rho, 2, True)}"
    )


def uncertainty(folder: Path) -> None:
    path = folder / "uncertainty.json"
    if missing(path, f"ccsim uncertainty experiments/uncertainty.toml --out {folder}"):
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    w = data["worlds"]
    print(
        f"{w['drawn']} worlds drawn ({data['method']}), {w['kept']} kept "
        f"({number(100 * w['kept'] / w['drawn'], 0)} %), {w['rejected']} rejected, "
        f"{w['failed']} failed; {data['replications']} replications of {data['days']} "
        f"measured days each\n"
    )
    print("| A − B | outcome | P(A wins) | P(B wins) | median [5 %; 95 %] | within noise |")
    print("| --- | --- | --- | --- | --- | --- |")
    for pair in data["pairs"]:
        if not pair.get("worlds"):
            continue
        percent = pair["outcome"] in PERCENT
        scale, digits = (100, 1) if percent else (1, 0)
        cells = [number(scale * pair[k], digits, True) for k in ("median", "q05", "q95")]
        noise = pair.get("within_noise")
        print(
            f"| {pair['variant_a']} − {pair['variant_b']} | {pair['outcome']} "
            f"| {number(100 * pair['p_a_wins'], 0)} % | {number(100 * pair['p_b_wins'], 0)} % "
            f"| {cells[0]} [{cells[1]}; {cells[2]}] "
            f"| {'' if noise is None else number(100 * noise, 0) + ' %'} |"
        )
    print()
    for pair in data["pairs"]:
        if pair.get("worlds"):
            ranks = ", ".join(
                f"{r['parameter']} {number(r['rho'], 2, True)}" for r in pair["ranks"][:5]
            )
            said = "; ".join(rule["text"] for rule in pair["rules"]) or pair["statement"]
            name = f"{pair['variant_a']} − {pair['variant_b']}, {pair['outcome']}"
            print(f"- {name}: {said} ", end="")
            print(f"(Spearman with the difference: {ranks})")
    default_world(folder, data)
    service_gap(folder)
    worlds = pd.read_parquet(folder / "worlds.parquet")
    failed = worlds.loc[worlds["status"] == "rejected", "failed_facts"].dropna()
    counts = pd.Series([f.strip() for facts in failed for f in facts.split(",") if f.strip()])
    reasons = ", ".join(f"{k} {v}" for k, v in counts.value_counts().items())
    print(f"\nWhy worlds were rejected (a world can miss several facts): {reasons}\n")


TARGETS = (240.0, 250.0, 260.0, 285.0, 320.0, 400.0)
"""AHT targets of the curve (s): 250 is the preset's; about 283 the team's unpressed AHT."""


def target_curve(folder: Path, workers: int) -> None:
    """quality − aht profit after churn with the aht policy at other targets (5 paired
    replications of 20 measured days; one resumable experiment)."""
    variants = {f"aht {t:.0f} s": {"policy.aht_target_seconds": t} for t in TARGETS}
    experiment = paired_experiment(
        "claims-targets", variants={"quality": {"policy.name": "quality"}, **variants}
    )
    runs = sim.compare(experiment, out=folder, workers=workers).runs
    print("| aht target (s) | quality − aht profit after churn [95% CI] |\n| --- | --- |")
    for target, name in zip(TARGETS, variants, strict=True):
        d = paired_by_seed(runs, "profit_after_churn", "quality", name)
        print(f"| {target:.0f} | {interval(d)} |")
    print()


def policy_map(folder: Path) -> None:
    """The map of winners on profit after churn at 50 EUR an hour, and whether labour cost
    ever changes a winner or CSAT's winner differs."""
    path = folder / "winners.csv"
    if missing(path, f"ccsim sweep experiments/policy_map.toml --out {folder}"):
        return
    w = pd.read_csv(path)
    profit = w[w["kpi"] == "profit_after_churn"]
    staffing = sorted(profit["staffing.scale"].unique())
    shown = profit[profit["money.employee_hourly_cost"] == 50.0]
    print(
        "| sale value (EUR) | `completeness_exponent` | "
        + " | ".join(f"staff × {x:g}" for x in staffing)
        + " |"
    )
    print("| --- | --- |" + " --- |" * len(staffing))
    for (value, exponent), rows in shown.groupby(
        ["sales.value_mean", "conversation.completeness_exponent"]
    ):
        cells = []
        for x in staffing:
            r = rows[rows["staffing.scale"] == x].iloc[0]
            mark = "" if r["decided"] else "≈ "
            cells.append(
                f"{mark}**{r['winner']}** +{r['margin'] / 1000:.0f}k "
                f"[{number(r['ci_low'] / 1000, 0, True)}; {number(r['ci_high'] / 1000, 0, True)}]"
            )
        print(f"| {value:g} | {exponent:g} | " + " | ".join(cells) + " |")
    keys = ["sales.value_mean", "staffing.scale", "conversation.completeness_exponent"]
    per_cost = profit.groupby(keys)["winner"].nunique()
    print(
        f"\nlabour cost changes the winner at {int((per_cost > 1).sum())} of {len(per_cost)} points"
    )
    wins = profit["winner"].value_counts().to_dict()
    csat = w[w["kpi"] == "csat"]["winner"].value_counts().to_dict()
    ties = int((~profit["decided"]).sum())
    print(f"profit winners over {len(profit)} points: {wins} ({ties} ties); CSAT winners: {csat}\n")


def sobol(folder: Path) -> None:
    """The total-order Sobol' indices of the paired difference, with their half-widths."""
    path = folder / "sensitivity.csv"
    if missing(path, f"ccsim sensitivity experiments/policy_difference.toml --out {folder}"):
        return
    table = pd.read_csv(path)
    runs = pd.read_parquet(folder / "runs.parquet")
    runs = runs[runs["status"] == "ok"]
    keys = [c for c in runs.columns if "." in c]  # the design's parameters
    points = runs.pivot_table(index=keys, columns="variant", values="profit_after_churn")
    d = points["quality"] - points["aht"]
    print(
        f"quality beats aht at {number(100 * float((d > 0).mean()), 0)} % of the {len(d)} "
        f"design points (from {number(d.min(), 0, True)} to {number(d.max(), 0, True)})"
    )
    for output, rows in table.groupby("output", sort=False):
        rows = rows.sort_values("ST", ascending=False)
        cells = ", ".join(
            f"{r.parameter} {r.ST:.2f} ± {r.ST_conf:.2f}" for r in rows.itertuples(index=False)
        )
        print(f"- {output}: ST ± half-width: {cells}")
    print()


OFF = {"word_of_mouth.strength": 0.0}
"""Word of mouth off: reputation moves nobody (every policy keeps the same neutral inflow)."""


def channel_share(
    on: pd.DataFrame, off: pd.DataFrame, a: str, b: str, kpi: str = "profit_after_churn"
) -> dict[str, dict]:
    """The exact split of `a` − `b` (profit after churn and acquisition, paired by seed) into
    the difference without word of mouth and the channel's share (on − off, seed by seed): the
    two parts add up to the total by construction; each has its own 95 % CI."""

    def per_seed(runs: pd.DataFrame) -> pd.Series:
        wide = runs.pivot_table(index="seed", columns="variant", values=kpi)
        return wide[a] - wide[b]

    with_it, without = per_seed(on), per_seed(off)
    seeds = with_it.index.intersection(without.index)
    parts = {
        "total": mean_ci(with_it[seeds].to_numpy(float)),
        "without word of mouth": mean_ci(without[seeds].to_numpy(float)),
        "word of mouth": mean_ci((with_it[seeds] - without[seeds]).to_numpy(float)),
    }
    gap = parts["total"]["mean"] - parts["without word of mouth"]["mean"]
    assert math.isclose(gap, parts["word of mouth"]["mean"], rel_tol=1e-9, abs_tol=1e-6)
    return parts


def share_rows(label: str, on: pd.DataFrame, off: pd.DataFrame) -> None:
    """One table row per pair: the total, without the channel, and the channel's share."""
    for a, b in (("quality", "aht"), ("quality", "volume")):
        parts = channel_share(on, off, a, b)
        total = parts["total"]["mean"]
        mine = parts["word of mouth"]
        share = 100 * mine["mean"] / total if total else math.nan
        cells = [interval(parts[k]) for k in ("total", "without word of mouth", "word of mouth")]
        print(f"| {label} | {a} − {b} | " + " | ".join(cells) + f" | {number(share, 1, True)} % |")


VALUATIONS = {
    "profit_and_base_value": "no month counted twice (profit and the base's value beyond it)",
    "profit": "in-run profit only",
}
"""The other valuations of the year the README quotes the channel's share in."""


def with_and_without(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A word-of-mouth experiment's runs that are ok, and its "-off" variants renamed to the
    policy they run (so that they pair with the variants named after it)."""
    runs = pd.read_parquet(folder / "runs.parquet")
    runs = runs[runs["status"] == "ok"]
    off = runs[runs["variant"].str.endswith("-off")]
    return runs, off.assign(variant=off["variant"].str.removesuffix("-off"))


def word_of_mouth(runs: pd.DataFrame, year: Path, workers: int) -> None:
    """How much of the headline the word-of-mouth channel carries, at 20 days and over a year."""
    off = HERE.parent / "results" / "claims-no-word-of-mouth"
    if not (off / "runs.parquet").is_file():
        print(f"<!-- running the headline without word of mouth into {off} -->")
        sim.compare(HERE / "policy_comparison.toml", overrides=OFF, out=off, workers=workers)
    off_runs = pd.read_parquet(off / "runs.parquet")
    print(
        "| horizon | difference | total [95 % CI] | without word of mouth | word of mouth | share |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    share_rows("20 days", runs, off_runs[off_runs["status"] == "ok"])
    command = "ccsim compare experiments/word_of_mouth_year.toml --out " + str(year)
    if missing(year / "runs.parquet", command):
        return
    both, off_year = with_and_without(year)
    on_year = both[~both["variant"].str.endswith("-off")]
    share_rows("a year", on_year, off_year)
    print()
    for kpi, valuation in VALUATIONS.items():
        parts = channel_share(on_year, off_year, "quality", "aht", kpi)
        total, mine = parts["total"]["mean"], parts["word of mouth"]
        print(
            f"a year, {valuation}: quality − aht {interval(parts['total'])}, the channel's "
            f"share {interval(mine)} ({number(100 * mine['mean'] / total, 1, True)} %)"
        )
    print()
    means = both.groupby("variant")[["newcomers", "churned_customers", "mean_reputation"]].mean()
    for variant, row in means.iterrows():
        print(
            f"a year, {variant}: {number(row['newcomers'])} new customers, "
            f"{number(row['churned_customers'])} churned, mean reputation "
            f"{number(row['mean_reputation'], 3, True)}"
        )
    print()


RANGE_ENDS = {
    "": "the defaults",
    "-strong": "strength 0.15 (top of its range)",
    "-mild-detractors": "detractor weight 0.5",
    "-loud-detractors": "detractor weight 3",
    "-fast": "spread 7, memory 30 days",
    "-slow": "spread 60, memory 90 days",
    "-loud-stories": "public stories 6e-5, hit 0.2",
}
"""The variants' suffixes in experiments/word_of_mouth_ranges.toml and what each sets."""


def word_of_mouth_ranges(folder: Path) -> None:
    """The channel's year-long share of quality − aht at the ends of its unmeasured ranges."""
    command = f"ccsim compare experiments/word_of_mouth_ranges.toml --out {folder}"
    if missing(folder / "runs.parquet", command):
        return
    runs, off = with_and_without(folder)
    print("| word of mouth | quality − aht [95 % CI] | the channel's share | share |")
    print("| --- | --- | --- | --- |")
    for suffix, label in RANGE_ENDS.items():
        on = runs[runs["variant"].isin([f"aht{suffix}", f"quality{suffix}"])]
        on = on.assign(variant=on["variant"].str.removesuffix(suffix) if suffix else on["variant"])
        parts = channel_share(on, off, "quality", "aht")
        total, mine = parts["total"], parts["word of mouth"]
        share = 100 * mine["mean"] / total["mean"] if total["mean"] else math.nan
        print(f"| {label} | {interval(total)} | {interval(mine)} | {number(share, 1, True)} % |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comparison", default="results/policy-comparison", type=Path)
    parser.add_argument("--fixed", default="results/policy-comparison-fixed-staff", type=Path)
    parser.add_argument("--decomposition", default="results/what-drives-20d", type=Path)
    parser.add_argument("--targets", default="results/claims-targets", type=Path)
    parser.add_argument("--uncertainty", default="results/uncertainty", type=Path)
    parser.add_argument("--map", default="results/policy-map", type=Path)
    parser.add_argument("--sobol", default="results/policy-difference", type=Path)
    parser.add_argument("--year", default="results/word-of-mouth-year", type=Path)
    parser.add_argument("--year-ranges", default="results/word-of-mouth-ranges", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    runs = compared(args.comparison, HERE / "policy_comparison.toml", args.workers)
    print("## The policies at equal service (README, MODEL.md)\n")
    policy_table(runs)
    equal = headline(runs, "equal service")
    fixed_runs = compared(args.fixed, HERE / "policy_comparison_fixed_staff.toml", args.workers)
    print("## The same on the aht center's fixed schedule\n")
    fixed = headline(fixed_runs, "fixed schedule")
    change = equal["mean"] - fixed["mean"]
    share = change / fixed["mean"] if fixed["mean"] else math.nan
    print("Staffing each policy to the same service target changes the difference by ", end="")
    print(f"{number(change, 0, True)} EUR ({number(100 * share, 0, True)} %)\n")
    print("## What drives the result: exact splits\n")
    decomposition(args.decomposition)
    print("## How much of it word of mouth carries (exact split: on = off + share)\n")
    word_of_mouth(runs, args.year, args.workers)
    print("### Over a year, at the ends of the channel's unmeasured ranges\n")
    word_of_mouth_ranges(args.year_ranges)
    print("## Where it turns: the AHT target\n")
    target_curve(args.targets, args.workers)
    print("## Across plausible worlds\n")
    uncertainty(args.uncertainty)
    print("## Which policy wins where (the policy map)\n")
    policy_map(args.map)
    print("## What decides quality − aht (Sobol' indices)\n")
    sobol(args.sobol)


if __name__ == "__main__":
    main()
