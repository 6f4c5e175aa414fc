"""Staff on the phones from the agents' sessions of calls (sim/calibration/sessions.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.calibration.sessions import staff_on_phones

DAY = pd.Timestamp("2026-03-02")


def calls(rows):
    """Answered contacts: (agent, answered at second, talk, acw)."""
    return pd.DataFrame(
        {
            "date": DAY,
            "agent": [r[0] for r in rows],
            "second": [float(r[1]) for r in rows],
            "wait": 0.0,
            "talk": [float(r[2]) for r in rows],
            "acw": [float(r[3]) for r in rows],
            "answered": True,
        }
    )


def test_a_session_runs_from_just_before_the_first_call_to_the_last_calls_wrap_up():
    # agent a: calls at 0-100 and 160-260 (idle gap 60 s, one session; lead = the mean gap 60 s)
    staff = staff_on_phones(calls([("a", 60, 90, 10), ("a", 220, 90, 10)]), 0, 600, 300)
    # session from 0 (60 - 60) to 320: all of the first interval, 20 s of the second
    assert staff["staff"].tolist() == pytest.approx([1.0, 20 / 300])


def test_a_gap_longer_than_the_break_threshold_is_time_off_the_phones():
    rows = [("a", 100, 50, 0), ("a", 200, 50, 0), ("a", 1500, 50, 0)]  # 1,250 s gap: a break
    staff = staff_on_phones(calls(rows), 0, 1800, 600, break_minutes=10)
    # the first call came 100 s after opening: on the phones from the opening to 250; after the
    # break, the session starts one mean idle gap (50 s) before its call: 1450-1550
    assert staff["staff"].tolist() == pytest.approx([250 / 600, 0.0, 100 / 600])
    longer = staff_on_phones(calls(rows), 0, 1800, 600, break_minutes=30)
    assert longer["staff"].sum() > staff["staff"].sum()  # one session through the gap


def test_an_agent_who_starts_later_than_a_break_after_opening_is_not_counted_before():
    staff = staff_on_phones(calls([("a", 1500, 50, 0), ("a", 1600, 50, 0)]), 0, 1800, 600)
    assert staff["staff"].tolist() == pytest.approx([0.0, 0.0, 200 / 600])  # 1450-1650


def test_two_agents_on_the_phones_the_whole_interval_are_two():
    rows = [(a, t, 250, 50) for a in ("a", "b") for t in (0, 300, 600)]
    staff = staff_on_phones(calls(rows), 0, 900, 900)
    assert staff["staff"].tolist() == pytest.approx([2.0])
