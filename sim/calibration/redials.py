"""Redials from caller ids: an abandoned contact followed by another from the same caller on the
same day is a redial; its probability and delay (exponential, corrected for the day's end
cutting off late redials), and the repeat-contact rate of answered contacts (FCR's complement)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import optimize, stats

from sim.calibration.records import Estimate
from sim.calibration.sources import WILSON

Z = float(stats.norm.ppf(0.975))
RETURN_WINDOW = 3600.0
"""Seconds after an abandonment within which a return counts for the behavioural fit."""
REPEAT_DAYS = 7
"""An answered contact followed by another from the same caller within this many days is a
repeat contact (first-contact resolution's complement)."""


def _callers(contacts: pd.DataFrame) -> pd.DataFrame | None:
    """Contacts with a caller id, sorted by caller and arrival, with the next contact of the same
    caller (`next_arrived`, NaT when none, and its `next_position` in `contacts`); None when
    the export has no caller ids."""
    if "caller" not in contacts or contacts["caller"].isna().all():
        return None
    positions = pd.Series(np.arange(len(contacts)), index=contacts.index)
    known = contacts.assign(position=positions)[contacts["caller"].notna()]
    known = known.sort_values(["caller", "arrived"])
    same = known["caller"].eq(known["caller"].shift(-1))
    return known.assign(
        next_arrived=known["arrived"].shift(-1).where(same),
        next_position=known["position"].shift(-1).where(same),
    )


def _abandoned(known: pd.DataFrame) -> pd.DataFrame:
    """The abandoned contacts of `known` (see _callers) with `gone` (arrival + wait), `limit`
    (seconds from then to the day's last arrival) and `redialed` (the same caller's next
    contact came later that day)."""
    end = known.groupby("date")["arrived"].transform("max")
    gone = known["arrived"] + pd.to_timedelta(known["wait"], unit="s")
    abandoned = known.assign(gone=gone, end=end)[~known["answered"].astype(bool)]
    nxt = abandoned["next_arrived"]
    redialed = nxt.notna() & (nxt.dt.normalize() == abandoned["date"]) & (nxt >= abandoned["gone"])
    limit = (abandoned["end"] - abandoned["gone"]).dt.total_seconds().clip(lower=1.0)
    return abandoned.assign(limit=limit, redialed=redialed)


def redial_contacts(contacts: pd.DataFrame) -> pd.Series:
    """Whether each contact is a redial: the same caller's next contact, later the same day,
    after an abandoned one (all False without caller ids). Arrivals are fresh contacts only:
    the scenario adds its own redials."""
    flags = np.zeros(len(contacts), dtype=bool)
    known = _callers(contacts)
    if known is not None:
        abandoned = _abandoned(known)
        flags[abandoned.loc[abandoned["redialed"], "next_position"].to_numpy(dtype=int)] = True
    return pd.Series(flags, index=contacts.index)


class Returns(NamedTuple):
    """Abandoned callers who came back within the window: their share and mean delay, and what
    those rest on (for the uncertainty of a fit to them)."""

    share: float
    delay: float
    abandoned: int
    returned: int
    delay_sd: float


def same_day_returns(contacts: pd.DataFrame, within: float = RETURN_WINDOW) -> Returns | None:
    """The share of abandoned contacts whose caller calls again the same day within `within`
    seconds, and the mean delay (seconds) of those returns; None without caller ids or such
    returns. The behavioural fit matches these between the export and the simulation (indirect
    inference): its failure demand brings abandoned callers back too, mostly hours later, so a
    short window sees the redials and few of those."""
    known = _callers(contacts)
    if known is None:
        return None
    abandoned = _abandoned(known)
    delay = (abandoned["next_arrived"] - abandoned["gone"]).dt.total_seconds()
    returned = abandoned["redialed"] & (delay <= within)
    if not len(abandoned) or not returned.any():
        return None
    delays = delay[returned]
    return Returns(
        float(returned.mean()),
        float(delays.mean()),
        len(abandoned),
        int(returned.sum()),
        float(delays.std(ddof=1)) if len(delays) > 1 else 0.0,
    )


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson's 95 % score interval of a proportion k/n."""
    p, z2 = k / n, Z**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return float(centre - half), float(centre + half)


def _truncated_exponential(delays: np.ndarray, limits: np.ndarray) -> tuple[float, float]:
    """MLE of an exponential rate θ from delays observed only when below their limits (right
    truncation): maximises Σ log θ − θ d − log(1 − e^(−θ T)); returns (θ, standard error of
    log θ from the observed information)."""

    def nll(log_theta: float) -> float:
        theta = np.exp(log_theta)
        return -float((log_theta - theta * delays - np.log(-np.expm1(-theta * limits))).sum())

    start = np.log(1 / max(delays.mean(), 1e-9))
    best = optimize.minimize_scalar(nll, bounds=(start - 10, start + 10), method="bounded")
    h = 1e-4
    curvature = (nll(best.x + h) - 2 * nll(best.x) + nll(best.x - h)) / h**2
    return float(np.exp(best.x)), float(1 / np.sqrt(max(curvature, 1e-12)))


def estimate_redials(contacts: pd.DataFrame) -> list[Estimate]:
    """`redial.probability` and `redial.mean_delay_seconds` from caller ids, and the reported
    repeat-contact rate; without caller ids, one reported estimate saying nothing was set."""
    known = _callers(contacts)
    if known is None:
        return [
            Estimate(
                "",
                "no redials",
                method="redials need caller ids",
                note="the export has no caller ids (no caller column, or an empty one): redial "
                "keeps the scenario's defaults",
            )
        ]
    abandoned = _abandoned(known)
    redialed = abandoned["redialed"]
    limits = abandoned["limit"].to_numpy()
    delays = (abandoned["next_arrived"] - abandoned["gone"])[redialed]
    delays = delays.dt.total_seconds().clip(lower=0.5).to_numpy()
    n, k = len(abandoned), int(redialed.sum())
    estimates = [_repeat_contacts(known)]
    if n == 0:
        return estimates
    method = "redials: abandoned contacts followed by a contact of the same caller that day"
    if k < 2:
        low, high = wilson(k, n)
        return [
            *estimates,
            Estimate("redial.probability", k / n, low, high, f"{method}; Wilson CI ({WILSON})", n),
        ]
    theta, se = _truncated_exponential(delays, limits[redialed.to_numpy()])
    seen = float(np.mean(-np.expm1(-theta * limits)))
    low, high = wilson(k, n)
    share = k / n
    return [
        *estimates,
        Estimate(
            "redial.probability",
            round(min(share / seen, 1.0), 4),
            low / seen,
            min(high / seen, 1.0),
            f"{method}; Wilson CI ({WILSON}), divided by the share of redials the day's "
            "end lets be seen under the fitted delay",
            n,
            f"{k:,} of {n:,} abandoned redialled the same day ({share:.1%}); expected share of "
            f"redials seen before the day's last arrival {seen:.1%} (the delay's uncertainty "
            "is not in the CI)",
        ),
        Estimate(
            "redial.mean_delay_seconds",
            round(1 / theta, 1),
            float(np.exp(-np.log(theta) - Z * se)),
            float(np.exp(-np.log(theta) + Z * se)),
            "exponential MLE of the delay from abandonment to the redial, right-truncated at the "
            "time left until the day's last arrival; Wald CI on the log scale",
            k,
            f"plain mean of the seen delays {delays.mean():.1f} s (biased low by the truncation)",
        ),
    ]


def _repeat_contacts(known: pd.DataFrame) -> Estimate:
    """Reported: the share of answered contacts followed by another from the same caller within
    REPEAT_DAYS days (those too close to the export's end to tell are left out)."""
    answered = known[known["answered"].astype(bool)]
    window = pd.Timedelta(REPEAT_DAYS, unit="D")
    answered = answered[answered["arrived"] + window <= known["arrived"].max()]
    method = (
        f"repeat-contact rate: answered contacts followed by another from the same caller "
        f"within {REPEAT_DAYS} days (first-contact resolution's complement)"
    )
    if answered.empty:
        return Estimate(
            "", "no repeat rate", method=method, note=f"the export spans under {REPEAT_DAYS} days"
        )
    gap = answered["next_arrived"] - answered["arrived"]
    k, n = int((gap <= window).sum()), len(answered)
    low, high = wilson(k, n)
    return Estimate(
        "",
        round(k / n, 4),
        low,
        high,
        f"{method}; Wilson CI ({WILSON})",
        n,
        "failure demand: reported only (the pure queue has no repeat contacts but redials)",
    )
