"""Failure demand from outcome codes: the share of contacts whose code the mapping names."""

from __future__ import annotations

from sim.calibration.estimation import estimate_all
from sim.calibration.mapping import Mapping
from sim.calibration.reading import read_export
from tests.test_calibration_referee import export_frame, write


def _failure(estimates):
    return [e for e in estimates if e.method.startswith("failure demand share")]


def test_the_codes_the_mapping_names_give_the_failure_demand_share(tmp_path):
    frame = export_frame()
    frame["code"] = ["repeat" if i % 4 == 0 else "new" for i in range(len(frame))]
    path = write(frame, tmp_path / "e.csv")
    (found,) = _failure(estimate_all(read_export(path, Mapping(failure_codes=["repeat"]))))
    assert found.key == "" and found.rows == len(frame)
    assert found.value == round(sum(i % 4 == 0 for i in range(len(frame))) / len(frame), 4)
    assert found.low < found.value < found.high


def test_without_failure_codes_nothing_is_claimed(tmp_path):
    frame = export_frame()
    frame["code"] = "repeat"
    assert not _failure(estimate_all(read_export(write(frame, tmp_path / "e.csv"))))
