"""Analytic queueing formulas (Erlang B, C and A) used to validate and size the simulator.

All rates are per second and all times are in seconds. Offered load (``load``) is in Erlangs,
i.e. arrival rate x mean service time. Everything is computed with recursions or in log space,
so the functions stay accurate for thousands of servers and loads close to the server count.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field

import numpy as np
from scipy.special import betainc, gammaln

__all__ = [
    "ErlangA",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_c_asa",
    "erlang_c_service_level",
]

# Queue states whose stationary weight is below exp(-_LOG_TAIL) times the largest weight are
# dropped (e^-45 ~ 3e-20, far below double precision relative to the total mass of 1).
_LOG_TAIL = 45.0
# Hard cap on the number of waiting-customer states kept for Erlang A; only reached when the
# patience is astronomically longer than the service time and load is at or above capacity.
_MAX_QUEUE_STATES = 5_000_000


def _check_servers(servers: int, minimum: int = 0) -> int:
    """Validate a server count and return it as a plain int (rejects floats and bools)."""
    if isinstance(servers, bool):
        raise TypeError("servers must be an integer, not bool")
    n = operator.index(servers)
    if n < minimum:
        raise ValueError(f"servers must be >= {minimum}, got {n}")
    return n


def _check_nonneg(name: str, value: float, allow_inf: bool = False) -> float:
    """Validate that a parameter is a non-negative (optionally infinite) real number."""
    x = float(value)
    if math.isnan(x) or x < 0 or (math.isinf(x) and not allow_inf):
        raise ValueError(f"{name} must be a non-negative finite number, got {value!r}")
    return x


def _check_pos(name: str, value: float, allow_inf: bool = False) -> float:
    """Validate that a parameter is strictly positive (optionally infinite)."""
    x = _check_nonneg(name, value, allow_inf)
    if x == 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return x


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/n/n (Erlang B) via the stable recursion B_k = aB/(k + aB)."""
    n = _check_servers(servers)
    a = _check_nonneg("load", load)
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability an arrival has to wait in M/M/n (Erlang C); 1.0 when load >= servers."""
    n = _check_servers(servers)
    a = _check_nonneg("load", load)
    if a >= n:
        return 1.0
    b = erlang_b(n, a)
    return b / (1.0 - (a / n) * (1.0 - b))


def erlang_c_asa(servers: int, load: float, mean_service: float) -> float:
    """Mean wait over all calls in M/M/n (the ASA of Erlang C tables); inf when unstable."""
    n = _check_servers(servers)
    a = _check_nonneg("load", load)
    s = _check_pos("mean_service", mean_service)
    if a >= n:
        return math.inf
    return erlang_c(n, a) * s / (n - a)


def erlang_c_service_level(servers: int, load: float, mean_service: float, t: float) -> float:
    """P(wait <= t) in M/M/n: 1 - C * exp(-(n - a) t / s); 0.0 when unstable."""
    n = _check_servers(servers)
    a = _check_nonneg("load", load)
    s = _check_pos("mean_service", mean_service)
    t = _check_nonneg("t", t, allow_inf=True)
    if a >= n:
        return 0.0
    return 1.0 - erlang_c(n, a) * math.exp(-(n - a) * t / s)


@dataclass(frozen=True)
class ErlangA:
    """Steady-state performance of M/M/n+M (Erlang A; Garnett, Mandelbaum & Reiman 2002)."""

    servers: int
    arrival_rate: float
    mean_service: float
    mean_patience: float
    prob_wait: float  # P(arrival finds all servers busy) = P(wait > 0), by PASTA
    prob_abandon: float  # fraction of all arrivals that abandon
    mean_queue_length: float  # time-average number waiting
    mean_wait: float  # mean time in queue over all arrivals (abandoned too) = Lq / lambda
    asa: float  # mean wait of the arrivals that are eventually served
    occupancy: float  # server utilisation = lambda (1 - P(ab)) E[S] / n
    # P(number in system = n + m) for m = 0, 1, ... (arrival finds m customers ahead in queue).
    _queue_probs: np.ndarray = field(repr=False, compare=False)

    @property
    def offered_load(self) -> float:
        """Offered load in Erlangs (arrival rate x mean service time)."""
        return self.arrival_rate * self.mean_service

    @property
    def prob_served(self) -> float:
        """Fraction of arrivals that are eventually served (1 - P(abandon))."""
        return 1.0 - self.prob_abandon

    def service_level(self, t: float) -> float:
        """P(an arrival is answered AND waited <= t): answered-within-t over all offered calls."""
        t = _check_nonneg("t", t, allow_inf=True)
        if self.arrival_rate == 0:
            return 1.0
        n_mu = self.servers / self.mean_service
        if math.isinf(self.mean_patience):  # Erlang C: exponential wait given delay
            if self.arrival_rate >= n_mu:
                return 0.0
            return 1.0 - self.prob_wait * math.exp(-(n_mu - self.arrival_rate) * t)
        return _served_within(self._queue_probs, self.prob_wait, n_mu, self.mean_patience, t)


def _served_within(
    queue_probs: np.ndarray, prob_wait: float, n_mu: float, mean_patience: float, t: float
) -> float:
    """Erlang A service level at `t` from the queue's stationary probabilities (finite patience,
    arrivals > 0): P(no wait) plus, per number ahead, P(served within t)."""
    theta = 1.0 / mean_patience
    b = n_mu / theta
    m = np.arange(queue_probs.size, dtype=float)
    p = 1.0 if math.isinf(t) else -math.expm1(-theta * t)
    # Given m ahead, the served wait is a sum of Exp(theta (b + i)), i = 1..m+1, which is
    # distributed as -log(1 - U)/theta with U ~ Beta(m + 1, b + 1), and P(served) = b/(b+m+1).
    served_within = (b / (b + m + 1.0)) * betainc(m + 1.0, b + 1.0, p)
    return float((1.0 - prob_wait) + np.dot(queue_probs, served_within))


def _erlang_a_infinite_patience(n: int, lam: float, s: float) -> ErlangA:
    """Erlang A with no abandonment: the Erlang C closed forms (degenerate if unstable)."""
    a = lam * s
    empty = np.zeros(0)
    if a >= n:
        return ErlangA(n, lam, s, math.inf, 1.0, 0.0, math.inf, math.inf, math.inf, 1.0, empty)
    c = erlang_c(n, a)
    wq = c * s / (n - a)
    return ErlangA(n, lam, s, math.inf, c, 0.0, lam * wq, wq, wq, a / n, empty)


def _log_queue_weights(n: int, lam: float, mu: float, theta: float) -> np.ndarray:
    """log of prod_{j=1..m} lam / (n mu + j theta) for m = 0..M, truncated at a negligible tail."""
    peak = max(0.0, (lam - n * mu) / theta)  # terms grow until m ~ peak, then decay
    if peak > _MAX_QUEUE_STATES:
        raise ValueError("mean_patience too long for the exact Erlang A tail; use erlang_c")
    chunk = max(1024, int(2 * peak) + 1024)
    logs = [np.zeros(1)]
    last, top, start = 0.0, 0.0, 1
    while True:
        if start + chunk > 2 * _MAX_QUEUE_STATES:
            raise ValueError("mean_patience too long for the exact Erlang A tail; use erlang_c")
        j = np.arange(start, start + chunk, dtype=float)
        cum = last + np.cumsum(math.log(lam) - np.log(n * mu + j * theta))
        logs.append(cum)
        top = max(top, float(cum.max()))
        last, start = float(cum[-1]), start + chunk
        if start > peak and last < top - _LOG_TAIL:
            break
        chunk *= 2
    out = np.concatenate(logs)
    keep = np.nonzero(out >= top - _LOG_TAIL)[0]
    return out[: int(keep[-1]) + 1]


def _logsumexp(values: np.ndarray) -> float:
    """log(sum(exp(values))) of a 1-D array: the same floats as scipy.special.logsumexp (its
    steps: shift by the maximum, count the maxima, log1p of the rest over their count) without
    its array-API overhead, which dominated the staffing search on these small arrays."""
    top = values.max(keepdims=True)
    at_top = values == top
    rest = values.copy()
    rest[at_top] = -np.inf
    count = at_top.astype(values.dtype).sum(keepdims=True)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        total = np.exp(rest - top).sum(keepdims=True)
        total = np.where(total == 0, total, total / count)
        out = np.log1p(total) + np.log(count) + top
        if not np.isfinite(out[0]):  # as scipy: the unshifted sum where shifting failed
            out = np.log(np.exp(values).sum(keepdims=True))
    return float(out[0])


def _queue_probs(n: int, lam: float, s: float, patience: float) -> np.ndarray:
    """P(number in system = n + m) for m = 0..M of M/M/n+M (lam > 0, finite patience)."""
    mu, theta, a = 1.0 / s, 1.0 / patience, lam * s
    # Stationary weights in log space: a^k/k! for k <= n, then birth lam, death n mu + m theta.
    k = np.arange(n + 1, dtype=float)
    log_low = k * math.log(a) - gammaln(k + 1.0)
    log_queue = log_low[-1] + _log_queue_weights(n, lam, mu, theta)
    log_z = _logsumexp(np.concatenate([log_low[:-1], log_queue]))
    return np.exp(log_queue - log_z)


def erlang_a(
    servers: int, arrival_rate: float, mean_service: float, mean_patience: float
) -> ErlangA:
    """Exact M/M/n+M (Erlang A) metrics from the birth-death chain; valid in overload too."""
    n = _check_servers(servers, minimum=1)
    lam = _check_nonneg("arrival_rate", arrival_rate)
    s = _check_pos("mean_service", mean_service)
    patience = _check_pos("mean_patience", mean_patience, allow_inf=True)
    if lam == 0:
        return ErlangA(n, 0.0, s, patience, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, np.zeros(1))
    if math.isinf(patience):
        return _erlang_a_infinite_patience(n, lam, s)
    mu, theta = 1.0 / s, 1.0 / patience
    p_queue = _queue_probs(n, lam, s, patience)  # P(n + m) for m = 0..M
    m = np.arange(p_queue.size, dtype=float)
    b = n * mu / theta
    prob_wait = min(1.0, float(p_queue.sum()))
    lq = float(np.dot(m, p_queue))
    # A tagged arrival finding m ahead is served with probability n mu / (n mu + (m + 1) theta).
    prob_abandon = min(1.0, float(np.dot(p_queue, (m + 1.0) / (b + m + 1.0))))
    # Given service, its wait is a sum of Exp(n mu + i theta), i = 1..m+1 (cumulative sums).
    served_mean = np.cumsum(1.0 / (n * mu + (m + 1.0) * theta))
    served_wait_total = float(np.dot(p_queue, (b / (b + m + 1.0)) * served_mean))
    prob_served = 1.0 - prob_abandon
    asa = served_wait_total / prob_served if prob_served > 0 else math.inf
    occupancy = lam * (1.0 - prob_abandon) * s / n
    return ErlangA(
        n, lam, s, patience, prob_wait, prob_abandon, lq, lq / lam, asa, occupancy, p_queue
    )


def required_staff(
    arrival_rate: float,
    mean_service: float,
    mean_patience: float,
    target_service_level: float,
    t: float,
) -> int:
    """Fewest employees whose Erlang A service level at `t` seconds meets the target (square-root
    staffing start, then a step search); used to build staffing schedules."""
    if not 0 < target_service_level < 1:
        raise ValueError(f"target_service_level must be in (0, 1), got {target_service_level}")
    if arrival_rate <= 0:
        return 0
    load = arrival_rate * mean_service
    n = max(1, int(load + math.sqrt(load)) - 2)
    args = (
        _check_nonneg("arrival_rate", arrival_rate),
        _check_pos("mean_service", mean_service),
        _check_pos("mean_patience", mean_patience, allow_inf=True),
        _check_nonneg("t", t, allow_inf=True),
    )
    if n > 1 and _service_level_at(n - 1, *args) >= target_service_level:
        n -= 1  # meets the target: step down while one fewer does too
        while n > 1 and _service_level_at(n - 1, *args) >= target_service_level:
            n -= 1
        return n
    while _service_level_at(n, *args) < target_service_level:
        n += 1
    return n


def _service_level_at(n: int, lam: float, s: float, patience: float, t: float) -> float:
    """`erlang_a(n, lam, s, patience).service_level(t)`, the same float, computing only what the
    service level needs (a staffing search evaluates it a few times per interval and week)."""
    if lam == 0 or math.isinf(patience):
        return erlang_a(n, lam, s, patience).service_level(t)
    p_queue = _queue_probs(n, lam, s, patience)
    return _served_within(p_queue, min(1.0, float(p_queue.sum())), n / s, patience, t)
