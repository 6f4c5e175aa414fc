"""The calibrated scenario file: every value written parses back to itself, every estimate's
comment sits above its key, and what the model has no key for is reported, not lost."""

from __future__ import annotations

import tomllib

import pytest

from sim.calibration.records import Estimate
from sim.calibration.scenario_file import Draft, toml_value


@pytest.mark.parametrize(
    "value",
    [
        1,
        2.5,
        "lognormal",
        'say "hi" \\ there',
        True,
        [1, 2, 3],
        list(range(30)),
        {"mon": 1.08, "fri": 0.96},
        [0.125] * 13,
    ],
)
def test_every_value_reads_back_as_itself(value):
    assert tomllib.loads(f"x = {toml_value(value)}")["x"] == value


def test_a_value_toml_cannot_hold_is_refused():
    with pytest.raises(ValueError, match="cannot be written"):
        toml_value(float("nan"))


def test_the_file_reads_back_as_the_scenario_with_each_estimate_commented():
    draft = Draft(header=["Calibrated from a test."])
    draft.set("name", "mine")
    draft.add(Estimate("service.mean_seconds", 231.04, 228.0, 234.1, "lognormal MLE", 12_345))
    draft.add(Estimate("service.distribution", "lognormal", method="lognormal MLE", rows=12_345))
    draft.add(Estimate("arrivals.profile", [0.5, 1.5] * 24, method="Poisson fit", rows=99))
    draft.add(Estimate("", 0.04, 0.03, 0.05, "overdispersion (Brown et al. 2005)", 20))
    draft.set("behavior.enabled", False, "the pure queue")
    text = draft.text()
    data = tomllib.loads(text)
    assert data == draft.data()
    assert data["service"]["mean_seconds"] == 231.0  # seconds to one decimal
    lines = text.splitlines()
    at = lines.index("mean_seconds = 231.0")
    assert lines[at - 1].startswith("# estimate 231, 95 % CI [228; 234.1]; lognormal MLE; 12,345")
    assert "# Reported, not set (the model has no key for these):" in lines
    assert any("overdispersion (Brown et al. 2005); 20 rows" in line for line in lines)
    assert draft.scenario().service.mean_seconds == 231.0


def test_long_comments_wrap_and_every_line_stays_a_comment():
    draft = Draft()
    draft.set("calendar.days", 5, "word " * 60)
    lines = draft.text().splitlines()
    comments = [line for line in lines if line.startswith("#")]
    assert len(comments) >= 3 and all(len(line) <= 100 for line in comments)
    assert tomllib.loads(draft.text()) == {"calendar": {"days": 5}}
