"""Pages people look at, made from results: the report, the talk deck, their figures and
their languages; the only layer that imports plotting."""

from sim.report.language import Language, languages
from sim.report.report import write_report
from sim.report.talk import write_talk

__all__ = ["Language", "languages", "write_report", "write_talk"]
