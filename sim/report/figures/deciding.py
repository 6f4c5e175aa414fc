"""What the difference moves with across plausible worlds: each world's difference against the
drawn value of the parameter it is most rank-correlated with, coloured by who wins there."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.report.figures.chart import Chart, styled
from sim.report.figures.worlds import Pair, difference_axis, scaled
from sim.report.language import Language
from sim.report.palette import INK, colours, style


def against_parameter(pair: Pair, worlds: pd.DataFrame, lang: Language) -> Chart | None:
    """The difference winner − other per world against the top-ranked parameter (None when no
    parameter is ranked)."""
    ranks = pair.summary.get("ranks") or []
    if not ranks or ranks[0]["parameter"] not in worlds:
        return None
    parameter, rho = ranks[0]["parameter"], pair.sign * float(ranks[0]["rho"])
    drawn = worlds.set_index("world")[parameter]
    x = drawn.reindex(pair.values["world"]).to_numpy(dtype=float)
    y = scaled(pair.outcome, pair.values["difference"])
    who = pair.winners()
    colour, look = colours([pair.winner, pair.other]), style([pair.winner, pair.other])
    figure = go.Figure()
    for name in (pair.winner, pair.other):
        inside = who == name
        if inside.any():
            figure.add_trace(
                go.Scatter(
                    x=x[inside],
                    y=y[inside],
                    mode="markers",
                    name=lang("uncertainty_wins", policy=lang.policy(name)),
                    marker={
                        "color": colour[name],
                        "symbol": look[name][0],
                        "size": 9,
                        "line": {"width": 1, "color": "white"},
                    },
                    text=[f"world {w}" for w in pair.values["world"][inside]],
                    hovertemplate="%{text}<br>%{x:.3g}<br>%{y:,.1f}<extra></extra>",
                )
            )
    figure.add_hline(y=0, line={"color": INK, "width": 1.5})
    direction = lang("uncertainty_rises" if rho > 0 else "uncertainty_falls")
    title = lang(
        "uncertainty_scatter_title",
        a=lang.policy(pair.winner),
        b=lang.policy(pair.other),
        direction=direction,
        parameter=parameter,
        rho=lang.number(rho, 2, signed=True),
    )
    styled(figure, lang, title)
    figure.update_layout(showlegend=True)  # the colours say who wins, also when one does
    figure.update_xaxes(title=parameter)
    figure.update_yaxes(**difference_axis(pair, lang, short=True))
    name = f"deciding-{pair.summary['variant_a']}-{pair.summary['variant_b']}-{pair.outcome}"
    return Chart(name, figure, lang("uncertainty_scatter_caption", parameter=parameter))
