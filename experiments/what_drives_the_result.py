"""What drives the quality - aht difference, split exactly three ways (sim.experiments.
decomposition): profit after churn by mechanism and by policy lever (Shapley values), and
sales revenue by step of the sales funnel (LMDI). The parts add up to the total in each split;
each has a 95 % CI over the paired replications. The runs are one resumable `compare`
experiment. Prints Markdown tables for docs/MODEL.md ("What drives the result") and writes
`decomposition.csv`, which `ccsim report` and `ccsim talk` draw as waterfalls.

    .venv/bin/python experiments/what_drives_the_result.py [--replications 3] [--days 20]
        [--out results/what-drives-the-result] [--into results/policy-comparison] [--targets]
        [--quiet]

`--into DIR` also puts decomposition.csv into a comparison's results folder, so its report
shows the splits. `--targets` adds the difference for other AHT targets (five more
comparisons).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pandas as pd

import sim
from sim.experiments.decomposition import (
    BASE,
    TOTAL,
    adds_up,
    decomposition_table,
    decomposition_variants,
)

SCENARIO = str(Path(__file__).resolve().parent / "scenarios" / "baseline.toml")
TARGETS = (240.0, 250.0, 260.0, 285.0, 320.0, 400.0)  # 250: the preset; 285: ~unpressed AHT
A, B = "quality", "aht"
TITLES = {
    "mechanisms": "By mechanism (Shapley values; profit after churn)",
    "levers": "By policy lever (Shapley values; profit after churn)",
    "sales": "Sales revenue by step of the funnel (LMDI; inbound) and outbound sales",
}


def experiment(replications: int, days: int, variants: dict) -> dict:
    return {
        "name": "what-drives-the-result",
        "scenario": SCENARIO,
        "replications": replications,
        "seed": 1,
        "kpis": ["profit_after_churn"],
        "base": {"calendar.days": days},
        "variants": variants,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--out", default="results/what-drives-the-result")
    parser.add_argument("--into", default=None, metavar="RESULTS_DIR")
    parser.add_argument("--targets", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="print only where the table went")
    args = parser.parse_args()
    if args.replications < 2:
        parser.error("--replications: at least 2 (a confidence interval needs two)")
    if args.into and not Path(args.into).is_dir():
        parser.error(f"--into {args.into}: no such folder")
    out = Path(args.out)
    result = sim.compare(
        experiment(args.replications, args.days, decomposition_variants(A, B)),
        out=out,
        progress=not args.quiet,
    )
    try:
        table = decomposition_table(result.runs, A, B)
    except ValueError as exc:  # e.g. a variant whose runs all failed: rerun to retry them
        raise SystemExit(f"cannot split the difference: {exc}") from None
    problems = adds_up(table)
    if problems:  # a bug, not bad input: the splits are exact by construction
        raise SystemExit("the decomposition does not add up: " + "; ".join(problems))
    table.to_csv(out / "decomposition.csv", index=False)
    if args.into:
        shutil.copyfile(out / "decomposition.csv", Path(args.into) / "decomposition.csv")
    where = f"decomposition.csv written to {out}/" + (f" and {args.into}/" if args.into else "")
    if args.quiet:
        print(where)
        return
    n = int(table["n"].min())
    print(f"{A} − {B}, {args.days} measured days, {n} paired replications")
    for split, rows in table.groupby("split", sort=False):
        print(f"\n{TITLES.get(split, split)}\n")
        print(markdown(rows))
    print(f"\n{where}")
    if args.targets:
        print("\nHow tight the AHT target is (the aht policy with other targets):\n")
        print(f"| aht target (s) | {A} − {B} profit after churn [95% CI] |")
        print("| --- | --- |")
        for target in TARGETS:
            variants = {
                A: {"policy.name": A},
                B: {"policy.name": B, "policy.aht_target_seconds": target},
            }
            d = sim.compare(experiment(args.replications, args.days, variants), workers=2)
            row = d.differences.set_index("kpi").loc["profit_after_churn"]
            print(f"| {target:.0f} | {_ci(row['mean_diff'], row['ci_low'], row['ci_high'])} |")


def markdown(rows: pd.DataFrame) -> str:
    """One split as a Markdown table: each part's mean [95 % CI] and its share of the total,
    then a line that adds the parts up to the total."""
    total = rows[rows["part"] == TOTAL].iloc[0]
    lines = [
        "| part | what | mean [95% CI] | share of the total |",
        "| --- | --- | --- | --- |",
    ]
    parts = rows[rows["part"] != TOTAL]
    for row in parts.itertuples(index=False):
        share = f"{row.mean / total['mean']:+.0%}" if total["mean"] else "n/a"
        label = "base" if row.part == BASE else row.part
        lines.append(
            f"| {label} | {row.what} | {_ci(row.mean, row.ci_low, row.ci_high)} | {share} |"
        )
    lines.append(
        f"| **total** | {total['what']} | "
        f"**{_ci(total['mean'], total['ci_low'], total['ci_high'])}** | 100% |"
    )
    terms = " ".join(f"{v:+,.0f}" for v in parts["mean"])
    lines.append(
        f"\nThe parts add up: {terms} = {parts['mean'].sum():+,.0f} (total {total['mean']:+,.0f})."
    )
    return "\n".join(lines)


def _ci(mean: float, low: float, high: float) -> str:
    """Mean [95 % CI], signed, in whole euros."""
    return f"{mean:+,.0f} [{low:+,.0f}; {high:+,.0f}]"


if __name__ == "__main__":
    main()
