"""What drives the quality - aht difference: the paired difference in profit after churn with
each channel switched off in turn (`sim.experiments.channels`), as one resumable `compare`
experiment. Prints a Markdown table for docs/MODEL.md ("What drives the result") and writes
`channels.csv`, which `ccsim report` and `ccsim talk` draw as a waterfall.

    .venv/bin/python experiments/what_drives_the_result.py [--replications 5] [--days 20]
        [--out results/what-drives-the-result] [--into results/policy-comparison] [--targets]
        [--quiet]

`--into DIR` also puts channels.csv into a comparison's results folder, so its report shows
the split. `--targets` adds the difference for other AHT targets (five more comparisons).
A channel's contribution is how much of the difference disappears when it alone is switched
off (in both policies, with common random numbers). Channels interact, so the contributions do
not add up to the whole exactly; the table says by how much they miss.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pandas as pd

import sim
from sim.experiments.channels import channel_table, channel_variants

SCENARIO = str(Path(__file__).resolve().parent / "scenarios" / "baseline.toml")
TARGETS = (240.0, 260.0, 285.0, 320.0, 400.0)  # 260: the preset; 285: the team's unpressed AHT


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--out", default="results/what-drives-the-result")
    parser.add_argument("--into", default=None, metavar="RESULTS_DIR")
    parser.add_argument("--targets", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="print only where the table went")
    args = parser.parse_args()
    out = Path(args.out)
    result = sim.compare(
        experiment(args.replications, args.days, channel_variants("quality", "aht")),
        out=out,
        progress=not args.quiet,
    )
    table = channel_table(result.runs, "quality", "aht")
    table.to_csv(out / "channels.csv", index=False)
    if args.into:
        shutil.copyfile(out / "channels.csv", Path(args.into) / "channels.csv")
    total = table.set_index("channel").loc["total"]
    if args.quiet:
        print(f"channels.csv written to {out}/" + (f" and {args.into}/" if args.into else ""))
        return
    print(f"quality - aht, {args.days} measured days, {args.replications} paired replications\n")
    print(
        "| channel switched off | what that means | quality − aht profit after churn [95% CI] "
        "| share of the difference it explains |"
    )
    print("| --- | --- | --- | --- |")
    print(f"| none (the baseline) | | {_ci(total)} | |")
    for row in table.itertuples(index=False):
        if row.channel in ("total", "interaction"):
            continue
        share = row.contribution / total["difference"] if total["difference"] else float("nan")
        print(f"| {row.channel} | {row.switched_off} | {_ci(row._asdict())} | {share:+.0%} |")
    left = table.set_index("channel").loc["interaction", "contribution"]
    print(f"\nInteraction (what the channels one at a time leave over): {left:+,.0f}")
    print(f"channels.csv written to {out}/" + (f" and {args.into}/" if args.into else ""))
    if args.targets:
        print("\nHow tight the AHT target is (the aht policy with other targets):\n")
        print("| aht target (s) | quality − aht profit after churn [95% CI] |")
        print("| --- | --- |")
        for target in TARGETS:
            variants = {
                "aht": {"policy.name": "aht", "policy.aht_target_seconds": target},
                "quality": {"policy.name": "quality"},
            }
            d = sim.compare(experiment(args.replications, args.days, variants), workers=2)
            row = d.differences.set_index("kpi").loc["profit_after_churn"]
            sign = 1.0 if row["variant_a"] == "quality" else -1.0
            low, high = sorted((sign * row["ci_low"], sign * row["ci_high"]))
            cell = _ci({"difference": sign * row["mean_diff"], "ci_low": low, "ci_high": high})
            print(f"| {target:.0f} | {cell} |")


def _ci(row: dict | pd.Series) -> str:
    """Mean [95 % CI] of a row of the channel table (or a dict with its fields)."""
    return f"{row['difference']:+,.0f} [{row['ci_low']:+,.0f}; {row['ci_high']:+,.0f}]"


if __name__ == "__main__":
    main()
