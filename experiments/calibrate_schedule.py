"""How the baseline's staffing schedule and the presets' targets were derived (docs/MODEL.md,
"How it was calibrated"): the schedule sized with Erlang A, then the AHT and volume targets set
by rule on it.

Rerun after changing the model's defaults:

    .venv/bin/python experiments/calibrate_schedule.py

1. Size: run the baseline under `aht` with weekly Erlang A sizing (`staffing.target_service_level`)
   for several weeks and average the sized schedules of the later weeks.
2. Targets by rule: on that schedule, the AHT the team achieves with no AHT target, and the
   inbound contacts per phone hour with no contacts target and no outbound calls; the aht
   preset's target is 90 % of the first, the volume preset's 110 % of the second.
3. Repeat once (the target changes the handle time the schedule is sized for).
It prints the schedule (for baseline.toml) and both figures; nothing is written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import sim
from sim.engine.sizing import sized_schedule

BASELINE = Path(__file__).resolve().parent / "scenarios" / "baseline.toml"
SIZING_TARGET = 0.60  # Erlang A per interval; the shifts' overcover lifts the realised level
WEEKS, SEEDS = 8, (1, 2, 3)


def sized(overrides: dict) -> list[int]:
    """The mean schedule the weekly sizing settles on (weeks 3..WEEKS, over seeds)."""
    schedules = []
    for seed in SEEDS:
        scenario = sim.load_scenario(
            BASELINE,
            overrides
            | {
                "calendar.days": 5 * WEEKS,
                "calendar.warmup_days": 0,
                "staffing.target_service_level": SIZING_TARGET,
            },
        )
        model = sim.build_model(scenario, seed=seed)
        model.run_model()
        schedules += [sized_schedule(model, 5 * w, 5) for w in range(2, WEEKS)]
    return [round(float(x)) for x in np.mean(schedules, axis=0)]


def unpressed(schedule: list[int]) -> tuple[float, float]:
    """AHT with no AHT target, and inbound contacts per phone hour with no volume target."""
    common = {"staffing.schedule": schedule, "calendar.days": 40}
    aht = np.mean(
        [
            sim.run(
                sim.load_scenario(BASELINE, common | {"policy.aht_target_seconds": 0.0}), s
            ).kpis["aht"]
            for s in SEEDS
        ]
    )
    volume = common | {
        "policy.name": "volume",
        "policy.contacts_per_hour_target": 0.0,
        "policy.outbound_when_idle": 0.0,
    }
    runs = [sim.run(sim.load_scenario(BASELINE, volume), s).kpis for s in SEEDS]
    per_hour = np.mean([k["handled"] / k["staffed_hours"] for k in runs])
    return float(aht), float(per_hour)


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    target = {}
    for round_ in (1, 2):
        schedule = sized(target)
        aht, per_hour = unpressed(schedule)
        target = {"policy.aht_target_seconds": round(0.9 * aht / 10) * 10}
        print(f"round {round_}: schedule {schedule}")
        print(
            f"  AHT with no target {aht:.1f} s -> aht target {target['policy.aht_target_seconds']}"
        )
        print(
            f"  inbound contacts per phone hour {per_hour:.2f} -> volume target "
            f"{round(1.1 * per_hour * 2) / 2}"
        )


if __name__ == "__main__":
    main()
