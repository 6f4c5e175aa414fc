"""What a finished run measured: its KPIs, the interval and daily tables, the run result, and
`run` / `build_model`, which compose the engine with its behaviour for one run."""

from sim.metrics.kpi_catalog import KPIS, KpiInfo, format_kpi, kpi_info
from sim.metrics.queue import average_day
from sim.metrics.result import RunResult
from sim.metrics.runner import build_model, gather, run

__all__ = [
    "KPIS",
    "KpiInfo",
    "RunResult",
    "average_day",
    "build_model",
    "format_kpi",
    "gather",
    "kpi_info",
    "run",
]
