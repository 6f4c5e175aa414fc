"""Pages people look at, made from results; the only layer that imports plotting."""

from sim.report.comparison import comparison_figure, write_comparison_page

__all__ = ["comparison_figure", "write_comparison_page"]
