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
    handled = [log.talk[c] + log.acw[c] for c in range(start, stop) if log.outcome[c] == ANSWERED]
    if not handled:
        return None
    mean_handle = sum(handled) / len(handled)
    counts = [0] * hours.intervals_per_day
    for c in range(start, stop):
        second = log.arrival[c] % DAY - hours.open
        k = int(second // hours.interval)
        counts[min(max(k, 0), hours.intervals_per_day - 1)] += 1
    patience = config.patience.mean_seconds
    if config.patience.distribution == "none":
        patience = math.inf
    target, t = config.staffing.target_service_level, config.kpi.service_level_seconds
    scale = config.staffing.scale
    sized = [
        round(required_staff(n / (days * hours.interval), mean_handle, patience, target, t) * scale)
        for n in counts
    ]
    return adjusted(sized, config.staffing)
