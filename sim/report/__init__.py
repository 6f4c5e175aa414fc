"""Pages people look at, made from results: the report, the talk deck, their figures and
their languages; the only layer that imports plotting."""

from sim.report.calibration import write_calibration_report
from sim.report.language import Language, languages
from sim.report.report import write_report
from sim.report.talk import write_talk

__all__ = ["Language", "languages", "write_calibration_report", "write_report", "write_talk"]
