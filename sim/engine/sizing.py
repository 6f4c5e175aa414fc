"""Weekly sizing: next week's staffing schedule from last week's contacts, by Erlang A.

The forecast rule (docs/MODEL.md, Staffing to a service level): each interval of the day is
forecast at last week's mean arrival rate in that interval (over its opening days, redials and
failure demand included, as a planner sees them in the ACD), with last week's mean handle time
of answered contacts and the scenario's mean patience; the schedule is the fewest employees per
interval whose Erlang A service level within `kpi.service_level_seconds` meets the target.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.call_log import ANSWERED
from sim.engine.opening_hours import DAY
from sim.engine.queueing import required_staff
from sim.engine.staffing import adjusted

if TYPE_CHECKING:
    from sim.engine.model import ContactCenterModel


def sized_schedule(model: ContactCenterModel, first_day: int, days: int) -> list[int] | None:
    """Employees wanted on the phones per interval, sized from the contacts that arrived on
    opening days `first_day` .. `first_day + days - 1`; None if nobody was answered then."""
    config, hours, log = model.config, model.hours, model.log
    start = bisect_left(log.arrival, hours.opens_at(first_day))
    stop = bisect_left(log.arrival, hours.opens_at(first_day + days))
    answered = np.asarray(log.outcome[start:stop]) == ANSWERED
    talk, acw = (np.asarray(column[start:stop], dtype=float) for column in (log.talk, log.acw))
    handled = (talk + acw)[answered].tolist()
    if not handled:
        return None
    mean_handle = sum(handled) / len(handled)  # Python's sum, as the pinned results were made
    second = np.asarray(log.arrival[start:stop], dtype=float) % DAY - hours.open
    interval = np.clip(second // hours.interval, 0, hours.intervals_per_day - 1)
    counts = np.bincount(interval.astype(np.int64), minlength=hours.intervals_per_day).tolist()
    patience = config.patience.mean_seconds
    if config.patience.distribution == "none":
        patience = math.inf
    target, t = config.staffing.target_service_level, config.kpi.service_level_seconds
    scale = config.staffing.scale
    staff = {  # intervals with as many contacts share one search
        n: round(
            required_staff(n / (days * hours.interval), mean_handle, patience, target, t) * scale
        )
        for n in set(counts)
    }
    return adjusted([staff[n] for n in counts], config.staffing)
