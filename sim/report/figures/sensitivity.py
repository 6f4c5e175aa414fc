"""Sensitivity indices as bars with their 95 % intervals."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.experiments.sensitivity_indices import MIN_BASE_SAMPLES, estimable, sobol_needed
from sim.report.figures.chart import Chart, styled
from sim.report.language import Language

SHADES = ["#56B4E9", "#333333"]  # first order, total: not a policy's colour
INDICES = {  # method's (first, total) columns; Morris has one measure
    "sobol": [("S1", "S1_conf", "first_order"), ("ST", "ST_conf", "total_order")],
    "morris": [("mu_star", "mu_star_conf", "mu_star")],
}


def sensitivity_bars(
    table: pd.DataFrame, output: str, lang: Language, base_samples: int | None = None
) -> Chart:
    """Indices of one output (all variants' analyses of it), longest first. An index that is
    not a finite number is neither drawn nor named; Sobol indices from too small a sample
    (`base_samples`, see `sobol_needed`) are drawn under a title that says so."""
    part = table[(table["output"] == output) & table["parameter"].notna()]
    method = str(part["method"].iloc[0]) if len(part) else "sobol"
    finite = [estimable(r) for r in part.to_dict("records")]
    lost = list(dict.fromkeys(str(p) for p in part.loc[[not f for f in finite], "parameter"]))
    part = part[finite] if len(part) else part
    needed = None
    if method == "sobol" and len(part):
        n = MIN_BASE_SAMPLES if base_samples is None else base_samples  # unknown: by the intervals
        sizes = [sobol_needed(rows, n) for _, rows in part.groupby("variant", sort=False)]
        needed = max((s for s in sizes if s is not None), default=None)
    measures = INDICES.get(method, INDICES["sobol"])
    figure = go.Figure()
    for variant, rows in part.groupby("variant", sort=False):
        rows = rows.sort_values(measures[-1][0], ascending=True)
        for k, (column, conf, label) in enumerate(measures):
            if column not in rows:
                continue
            name = lang(label) if label in lang.table["text"] else column
            if part["variant"].nunique() > 1:
                name = f"{name}: {variant}"
            figure.add_trace(
                go.Bar(
                    y=rows["parameter"],
                    x=rows[column],
                    error_x={"type": "data", "array": rows[conf]} if conf in rows else None,
                    orientation="h",
                    name=name,
                    marker_color=SHADES[k % len(SHADES)],
                )
            )
    top_column = measures[-1][0]
    top = str(part.loc[part[top_column].idxmax(), "parameter"]) if len(part) else ""
    if not len(part):
        title = lang("sensitivity_none_title")
    elif needed is not None:
        n = lang.number(base_samples) if base_samples is not None else "?"
        title = lang("sensitivity_small_title", n=n, needed=lang.number(needed))
    else:
        title = lang("sensitivity_title", top=top)
    styled(
        figure,
        lang,
        title,
        height=140 + 42 * max(len(set(part["parameter"])), 3),
    )
    figure.update_layout(barmode="group", margin={"l": 280})
    figure.update_xaxes(title=lang("value_axis"))
    analysed = ", ".join(str(v) for v in dict.fromkeys(part["variant"]))
    caption = lang("sensitivity_caption", output=f"{lang.kpi(output)} ({analysed})")
    if lost:
        caption += " " + lang("sensitivity_not_estimable", parameters=", ".join(lost))
    return Chart(f"sensitivity-{output}", figure, caption)
