"""Figure builders: functions from result tables to plotly figures, importable in a notebook.

Each returns a `Chart`: the figure (its title states the finding; axes carry units) and a
one-line caption on how to read it, in the language given.
"""

from sim.report.figures.chart import Chart
from sim.report.figures.customers import customers, shows_word_of_mouth
from sim.report.figures.day import average_day
from sim.report.figures.deciding import against_parameter
from sim.report.figures.kpis import kpi_panel
from sim.report.figures.policy_map import policy_maps
from sim.report.figures.race import race
from sim.report.figures.scatter import revenue_vs_satisfaction
from sim.report.figures.sensitivity import sensitivity_bars
from sim.report.figures.waterfall import decomposition_waterfall, money_waterfall
from sim.report.figures.weeks import weeks
from sim.report.figures.worlds import difference_spread, pair_of

# `figures.<module name>` is that module's figure function, as for `weeks` and `race`: the
# submodules stay importable (`from sim.report.figures.kpis import kpi_panel`).
kpis = kpi_panel
policy_map = policy_maps
sensitivity = sensitivity_bars

__all__ = [
    "Chart",
    "against_parameter",
    "average_day",
    "customers",
    "decomposition_waterfall",
    "difference_spread",
    "kpi_panel",
    "kpis",
    "money_waterfall",
    "pair_of",
    "policy_map",
    "policy_maps",
    "race",
    "revenue_vs_satisfaction",
    "sensitivity",
    "sensitivity_bars",
    "shows_word_of_mouth",
    "weeks",
]
