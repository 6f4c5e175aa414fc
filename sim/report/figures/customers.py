"""Word of mouth over the run (issue #23): the customers each policy keeps and wins, and the
reputation that brings new ones, day by day."""

from __future__ import annotations

import pandas as pd

from sim.report.figures.chart import Chart, styled
from sim.report.figures.weeks import weeks
from sim.report.language import Language

MEASURES = ["active_customers", "reputation"]
"""The panels: the customers in the base each day, and reputation (0: neutral)."""


def shows_word_of_mouth(daily: pd.DataFrame) -> bool:
    """Whether `daily` has word of mouth to show: its columns, and a reputation that is not
    0 throughout (in a closed base, or a folder from before issue #23, there is none)."""
    return (
        not daily.empty
        and set(MEASURES) <= set(daily)
        and bool(pd.to_numeric(daily["reputation"], errors="coerce").fillna(0).ne(0).any())
    )


def customers(daily: pd.DataFrame, lang: Language) -> Chart:
    """Active customers and reputation per measured day, each policy's mean over its
    replications with a 95 % band; the title says who keeps most customers at the end, by how
    many against the first policy (or the runner-up), and at which reputations."""
    chart = weeks(daily, lang, MEASURES)
    figure = chart.figure
    for trace in figure.data:  # whole customers, not three significant digits
        if trace.yaxis == "y" and trace.hovertemplate:
            trace.hovertemplate = trace.hovertemplate.replace(",.3~r", ",.0f")
    figure.layout.annotations[1].text = lang("reputation_panel")  # per day, not at the end
    figure.update_yaxes(tickformat=",.0f", row=1, col=1)
    figure.update_yaxes(tickformat="+.3~f", zeroline=True, zerolinecolor="#888", row=2, col=1)
    styled(figure, lang, _title(daily, lang), height=690)
    return Chart("customers", figure, lang("customers_caption"))


def _title(daily: pd.DataFrame, lang: Language) -> str:
    """The finding at the last measured day."""
    variants = list(dict.fromkeys(daily["variant"]))
    last = daily[daily["day"] == daily["day"].max()]
    end = last.groupby("variant")[MEASURES].mean().reindex(variants)
    days = int(daily["day"].nunique())
    if len(variants) < 2:
        only = variants[0]
        return lang(
            "customers_title_alone",
            policy=lang.policy(only),
            customers=lang.number(float(end.at[only, "active_customers"])),
            days=days,
            reputation=lang.value("reputation", float(end.at[only, "reputation"])),
        )
    leader = str(end["active_customers"].idxmax())
    rest = end.drop(index=leader)
    other = variants[0] if leader != variants[0] else str(rest["active_customers"].idxmax())
    return lang(
        "customers_title",
        days=days,
        leader=lang.policy(leader),
        other=lang.policy(other),
        delta=lang.number(
            float(end.at[leader, "active_customers"] - end.at[other, "active_customers"])
        ),
        rep_leader=lang.value("reputation", float(end.at[leader, "reputation"])),
        rep_other=lang.value("reputation", float(end.at[other, "reputation"])),
    )
