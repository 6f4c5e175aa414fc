"""Throughput benchmark: our engine vs SimPy vs Ciw on one M/M/n+M contact-center case.

Case (defaults, all overridable on the command line): 45 employees, Poisson arrivals at
600 calls/hour, exponential handle time (mean 240 s), exponential patience (mean 180 s),
one FIFO queue, open 24 h/day for 5 days. Offered load is 40 Erlangs on 45 servers.

Method: the three simulators run the *same* case in the *same* process. Each round runs
each simulator once, in rotating order (round r starts with simulator r mod 3), so that
warm-up, cache and thermal effects do not favour one of them. Every run uses seed
``seed_base + round``. The figure reported is the median over rounds of
``offered calls / wall-clock seconds`` (``time.perf_counter``).

Timed (perf_counter), from a ready configuration to the KPIs; imports are never timed:
- ours: ``sim.run(scenario, seed)`` = model build, run (drains the queue after the last
  day), KPIs and result tables; ``sim.load_scenario`` (TOML) is excluded;
- SimPy: Environment/Resource creation and ``env.run`` (statistics accumulated inline);
- Ciw: ``ciw.Simulation`` construction, ``simulate_until_max_time``, ``get_all_records``
  and counting; ``ciw.create_network`` is excluded (negligible).

To show that the three simulate the same system, each also reports its abandonment rate
(abandoned / offered) and mean wait in queue (answered and abandoned calls), printed next
to the exact stationary Erlang-A (M/M/n+M) values.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import ciw
import simpy

REPO_ROOT = Path(__file__).resolve().parent.parent
SCENARIO = REPO_ROOT / "experiments" / "scenarios" / "erlang.toml"
sys.path.insert(0, str(REPO_ROOT))
import sim  # noqa: E402  (our engine, importable from any cwd)

Result = dict[str, float]


@dataclass(frozen=True)
class Case:
    employees: int = 45
    calls_per_hour: float = 600.0
    handle_mean: float = 240.0
    patience_mean: float = 180.0
    days: int = 5
    rounds: int = 3
    seed_base: int = 1

    @property
    def horizon(self) -> float:
        return self.days * 86_400.0


def _result(offered: int, handled: int, abandoned: int, wait: float, n: int, s: float) -> Result:
    """``wait`` is summed over the ``n`` calls that left the queue by the horizon."""
    keys = ("offered", "handled", "abandoned", "mean_wait", "seconds")
    return dict(zip(keys, (offered, handled, abandoned, wait / max(n, 1), s), strict=True))


def simpy_model(
    case: Case, seed: int, stats: dict[str, float]
) -> tuple[simpy.Environment, simpy.Resource]:
    """The case in SimPy's usual reneging idiom, ``yield req | env.timeout(patience)``, ready to
    run; `stats` accumulates offered, handled, abandoned and the summed wait."""
    rng = random.Random(seed)
    lam = case.calls_per_hour / 3600.0
    stats.update(offered=0, handled=0, abandoned=0, wait=0.0)

    def caller(
        env: simpy.Environment, agents: simpy.Resource, service: float, patience: float
    ) -> Any:
        arrived = env.now
        with agents.request() as req:
            result = yield req | env.timeout(patience)
            stats["wait"] += env.now - arrived
            if req in result:
                yield env.timeout(service)
                stats["handled"] += 1
            else:
                stats["abandoned"] += 1

    def source(env: simpy.Environment, agents: simpy.Resource) -> Any:
        while True:
            yield env.timeout(rng.expovariate(lam))
            stats["offered"] += 1
            service = rng.expovariate(1.0 / case.handle_mean)
            patience = rng.expovariate(1.0 / case.patience_mean)
            env.process(caller(env, agents, service, patience))

    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=case.employees)
    env.process(source(env, agents))
    return env, agents


def run_simpy(case: Case, seed: int) -> Result:
    """SimPy from building the model to the horizon."""
    stats: dict[str, float] = {}
    t0 = time.perf_counter()
    env, agents = simpy_model(case, seed, stats)
    env.run(until=case.horizon)
    seconds = time.perf_counter() - t0
    # Calls still in service at the horizon have left the queue; waiting ones have not.
    left_queue = stats["offered"] - len(agents.queue)
    return _result(
        stats["offered"], stats["handled"], stats["abandoned"], stats["wait"], left_queue, seconds
    )


def run_ciw(case: Case, seed: int) -> Result:
    """Ciw 3.2: one node with ``reneging_time_distributions``; renegers get 'renege' records."""
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=case.calls_per_hour / 3600.0)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / case.handle_mean)],
        number_of_servers=[case.employees],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / case.patience_mean)],
    )
    ciw.seed(seed)
    t0 = time.perf_counter()
    q = ciw.Simulation(network)
    q.simulate_until_max_time(case.horizon)
    records = q.get_all_records(include_incomplete=True)
    handled = abandoned = left_queue = 0
    wait_sum = 0.0
    for rec in records:
        if rec.record_type == "service":
            handled += 1
        elif rec.record_type == "renege":
            abandoned += 1
        elif rec.waiting_time is None:  # incomplete and still waiting at the horizon
            continue
        left_queue += 1
        wait_sum += rec.waiting_time
    offered = len(q.get_all_individuals())
    seconds = time.perf_counter() - t0
    return _result(offered, handled, abandoned, wait_sum, left_queue, seconds)


def run_ours(case: Case, seed: int) -> Result:
    """Our engine, driven through its public API (``sim.load_scenario`` + ``sim.run``)."""
    scenario = sim.load_scenario(
        str(SCENARIO),
        overrides={
            "calendar.days": case.days,
            "calendar.open_from": "00:00",
            "calendar.open_until": "24:00",
            "arrivals.rate_per_hour": case.calls_per_hour,
            "service.distribution": "exponential",
            "service.mean_seconds": case.handle_mean,
            "patience.distribution": "exponential",
            "patience.mean_seconds": case.patience_mean,
            "staffing.employees": case.employees,
            "behavior.enabled": False,
        },
    )
    t0 = time.perf_counter()
    result = sim.run(scenario, seed=seed)
    seconds = time.perf_counter() - t0
    keys = ("offered", "handled", "abandoned", "mean_wait")  # mean_wait: over all offered calls
    return {key: float(result.kpis[key]) for key in keys} | {"seconds": seconds}


def erlang_a(case: Case) -> Result:
    """Exact stationary M/M/n+M: P(abandon) = theta*E[Q]/lambda, E[wait] = E[Q]/lambda."""
    lam, mu = case.calls_per_hour / 3600.0, 1.0 / case.handle_mean
    theta, n = 1.0 / case.patience_mean, case.employees
    p, total, queue = 1.0, 1.0, 0.0
    for k in itertools.count(1):
        p *= lam / (min(k, n) * mu + max(k - n, 0) * theta)
        total += p
        queue += max(k - n, 0) * p
        if k > n and p < 1e-18 * total:
            break
    eq = queue / total
    return {"abandonment_rate": theta * eq / lam, "mean_wait": eq / lam}


SIMULATORS = {"ours": run_ours, "simpy": run_simpy, "ciw": run_ciw}


def benchmark(case: Case) -> dict[str, Any]:
    names = list(SIMULATORS)
    runs: dict[str, list[Result]] = {name: [] for name in names}
    for r in range(case.rounds):
        for name in names[r % 3 :] + names[: r % 3]:
            gc.collect()
            res = SIMULATORS[name](case, case.seed_base + r)
            res["calls_per_second"] = res["offered"] / res["seconds"]
            res["abandonment_rate"] = res["abandoned"] / max(res["offered"], 1)
            runs[name].append(res)
    summary = {
        name: {
            key: statistics.median(run[key] for run in rs)
            for key in ("calls_per_second", "seconds", "offered", "abandonment_rate", "mean_wait")
        }
        for name, rs in runs.items()
    }
    ours = summary["ours"]["calls_per_second"]
    abandon = [s["abandonment_rate"] for s in summary.values()]
    return {
        "case": asdict(case),
        "summary": summary,
        "ratios": {
            "ours/simpy": ours / summary["simpy"]["calls_per_second"],
            "ours/ciw": ours / summary["ciw"]["calls_per_second"],
        },
        "erlang_a": erlang_a(case),
        "abandonment_spread": max(abandon) - min(abandon),
        "runs": runs,
        "python": sys.version.split()[0],
        "versions": {"ours": sim.__version__, "simpy": simpy.__version__, "ciw": ciw.__version__},
    }


def print_table(report: dict[str, Any]) -> None:
    c = report["case"]
    print(
        f"M/M/{c['employees']}+M: {c['calls_per_hour']:g} calls/h, handle {c['handle_mean']:g} s,"
        f" patience {c['patience_mean']:g} s, 24 h x {c['days']} d,"
        f" {c['rounds']} round(s), seed base {c['seed_base']}"
    )
    print(
        f"{'simulator':<10}{'calls/s':>12}{'run s':>9}{'offered':>10}{'abandon':>10}"
        f"{'mean wait s':>13}"
    )
    for name, s in report["summary"].items():
        print(
            f"{name:<10}{s['calls_per_second']:>12,.0f}{s['seconds']:>9.2f}{s['offered']:>10,.0f}"
            f"{s['abandonment_rate']:>10.2%}{s['mean_wait']:>13.1f}"
        )
    ea = report["erlang_a"]
    print(f"{'Erlang-A':<10}{'':>31}{ea['abandonment_rate']:>10.2%}{ea['mean_wait']:>13.1f}")
    ratios = report["ratios"]
    print(
        f"ratio ours/SimPy = {ratios['ours/simpy']:.2f}x, ours/Ciw = {ratios['ours/ciw']:.2f}x"
        " (median calls/s)"
    )
    spread = report["abandonment_spread"]
    verdict = "OK" if spread < 0.01 else "CHECK: simulators disagree"
    print(f"sanity: abandonment rates within {spread:.2%} of each other [{verdict}]")


def main(argv: list[str] | None = None) -> None:
    d = Case()
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--employees", type=int, default=d.employees)
    p.add_argument("--calls-per-hour", type=float, default=d.calls_per_hour)
    p.add_argument("--handle-mean", type=float, default=d.handle_mean, help="seconds")
    p.add_argument("--patience-mean", type=float, default=d.patience_mean, help="seconds")
    p.add_argument("--days", type=int, default=d.days)
    p.add_argument("--rounds", type=int, default=d.rounds)
    p.add_argument("--seed-base", type=int, default=d.seed_base)
    p.add_argument("--quick", action="store_true", help="smoke test: 1 day, 1 round")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    a = p.parse_args(argv)
    days, rounds = (1, 1) if a.quick else (a.days, a.rounds)
    case = Case(
        a.employees, a.calls_per_hour, a.handle_mean, a.patience_mean, days, rounds, a.seed_base
    )
    report = benchmark(case)
    if a.json:
        print(json.dumps(report))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
