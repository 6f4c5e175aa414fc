"""What decides the winner across plausible worlds (scenario discovery, Bryant & Lempert 2010):
the rules of a shallow classification tree for where the less frequent winner wins, and each
parameter's Spearman rank correlation with the difference."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

RULES_NEED = "the rules need scikit-learn: pip install 'ccsim[uncertainty]'"
TREE_DEPTH = 2
RANDOM_STATE = 0


def rank_parameters(x: pd.DataFrame, y: np.ndarray) -> list[dict[str, Any]]:
    """Every parameter that varies, with the Spearman rank correlation of `y` with it, the
    strongest (by size) first."""
    from scipy.stats import spearmanr  # imported when used: scipy.stats is slow to import

    y = np.asarray(y, dtype=float)
    rows = []
    for name in x.columns:
        values = x[name].to_numpy(dtype=float)
        if len(values) < 3 or np.ptp(values) == 0 or np.ptp(y) == 0:
            continue
        rho = float(spearmanr(values, y).statistic)
        if math.isfinite(rho):
            rows.append({"parameter": str(name), "rho": rho})
    return sorted(rows, key=lambda r: -abs(r["rho"]))


def _tree_class() -> Any:
    try:
        from sklearn.tree import DecisionTreeClassifier
    except ImportError:
        return None
    return DecisionTreeClassifier


def min_leaf(worlds: int) -> int:
    """The smallest leaf a rule may describe: 5 worlds, or a tenth of them."""
    return max(5, math.ceil(0.1 * worlds))


def _paths(tree: Any, names: list[str]) -> dict[int, list[tuple[str, str, float]]]:
    """Each leaf's conditions from the root: (parameter, "<" or ">", threshold)."""
    paths: dict[int, list[tuple[str, str, float]]] = {}
    stack: list[tuple[int, list[tuple[str, str, float]]]] = [(0, [])]
    while stack:
        node, conditions = stack.pop()
        left, right = tree.children_left[node], tree.children_right[node]
        if left == right:  # a leaf
            paths[node] = conditions
            continue
        name, threshold = names[tree.feature[node]], float(tree.threshold[node])
        stack.append((left, [*conditions, (name, "<", threshold)]))
        stack.append((right, [*conditions, (name, ">", threshold)]))
    return paths


def _tightest(conditions: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """One condition per parameter and direction: the tightest."""
    best: dict[tuple[str, str], float] = {}
    for name, op, value in conditions:
        key = (name, op)
        if key not in best:
            best[key] = value
        else:
            best[key] = min(best[key], value) if op == "<" else max(best[key], value)
    return [(name, op, value) for (name, op), value in best.items()]


def winner_rules(x: pd.DataFrame, winners: pd.Series) -> list[dict[str, Any]] | None:
    """Where the less frequent winner wins: the leaves of a depth-2 tree fitted to who wins,
    in which it is the majority, each with its conditions, counts and share of the worlds.
    [] when one winner wins everywhere or no leaf has the other as its majority; None when
    scikit-learn is not installed."""
    counts = winners.value_counts(sort=False)
    if len(counts) < 2:
        return []
    tree_class = _tree_class()
    if tree_class is None:
        return None
    minority = str(counts.sort_values(kind="stable").index[0])
    n = len(winners)
    model = tree_class(
        max_depth=TREE_DEPTH, min_samples_leaf=min_leaf(n), random_state=RANDOM_STATE
    )
    data = x.to_numpy(dtype=float)
    model.fit(data, winners.to_numpy())
    leaves = model.apply(data)
    paths = _paths(model.tree_, [str(c) for c in x.columns])
    rules = []
    for leaf, conditions in paths.items():
        inside = leaves == leaf
        worlds = int(inside.sum())
        wins = int((winners.to_numpy()[inside] == minority).sum())
        if worlds and conditions and wins * 2 > worlds:
            rules.append(
                {
                    "winner": minority,
                    "conditions": [
                        {"parameter": p, "op": op, "value": v} for p, op, v in _tightest(conditions)
                    ],
                    "wins": wins,
                    "worlds": worlds,
                    "share": worlds / n,
                }
            )
    rules.sort(key=lambda r: -r["wins"])
    for rule in rules:
        rule["text"] = rule_text(rule)
    return rules


def rule_text(rule: dict[str, Any]) -> str:
    """'aht wins where employees.target_pressure < 0.21 and sales.quality_exponent < 0.8 (31 of
    38 such worlds; 6 % of kept worlds)'."""
    where = " and ".join(f"{c['parameter']} {c['op']} {c['value']:.3g}" for c in rule["conditions"])
    return (
        f"{rule['winner']} wins where {where} ({rule['wins']} of {rule['worlds']} such worlds; "
        f"{round(100 * rule['share'])} % of kept worlds)"
    )
