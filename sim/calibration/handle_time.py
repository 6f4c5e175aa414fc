"""Handle time: talk and after-call work of the answered contacts fitted as lognormal (Brown et
al. 2005 found call-center service times lognormal), with CIs and a goodness-of-fit check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibration.records import Estimate
from sim.calibration.sources import BROWN

Z = float(stats.norm.ppf(0.975))
TAIL = 0.01
"""The fitted tails compared with the data: below the fit's 1 % and above its 99 % quantile."""


@dataclass(frozen=True)
class LognormalFit:
    """A lognormal fitted to positive durations: log-scale mu and sigma (normal theory CIs:
    mu ± t s/√n, sigma from the chi-square of (n − 1)s²/σ²), the mean exp(mu + σ²/2) (CI by
    Cox's method: the delta method on the log of the mean) and the cv sqrt(exp(σ²) − 1) (CI
    from sigma's, the cv growing with sigma); the Kolmogorov-Smirnov distance to the fit and
    the data's share in its 1 % tails; `zeros`: durations of 0 left out."""

    n: int
    zeros: int
    mu: float
    mu_low: float
    mu_high: float
    sigma: float
    sigma_low: float
    sigma_high: float
    mean: float
    mean_low: float
    mean_high: float
    cv: float
    cv_low: float
    cv_high: float
    ks_distance: float
    below_low_tail: float
    above_high_tail: float

    def goodness(self) -> str:
        """The goodness-of-fit sentence for an estimate's note."""
        return (
            f"KS distance to the fitted lognormal D = {self.ks_distance:.3f} (parameters "
            "estimated, so the plain KS p-value is too kind (Lilliefors); with this many rows "
            "any real data rejects, so judge D); share of data below the fit's 1 % quantile "
            f"{self.below_low_tail:.2%}, above its 99 % quantile {self.above_high_tail:.2%}"
            + (f"; {self.zeros:,} zero durations left out" if self.zeros else "")
        )


def lognormal_moments(mu: float, sigma: float) -> tuple[float, float]:
    """(mean, cv) of the lognormal with log-scale `mu` and `sigma`."""
    return float(np.exp(mu + sigma**2 / 2)), float(np.sqrt(np.expm1(sigma**2)))


def lognormal_parameters(mean: float, cv: float) -> tuple[float, float]:
    """(mu, sigma) on the log scale of the lognormal with `mean` and `cv` (as the scenario
    names it)."""
    sigma2 = float(np.log1p(cv**2))
    return float(np.log(mean) - sigma2 / 2), float(np.sqrt(sigma2))


def _cv(sigma: float) -> float:
    return lognormal_moments(0.0, sigma)[1]


def fit_lognormal(x: np.ndarray | pd.Series) -> LognormalFit:
    """The lognormal fit of the positive values of `x` (NaN dropped, zeros counted and left
    out); needs at least two positive values."""
    values = np.asarray(x, dtype=float)
    values = values[~np.isnan(values)]
    zeros = int((values <= 0).sum())
    logs = np.log(values[values > 0])
    n = len(logs)
    if n < 2:
        raise ValueError(f"a lognormal fit needs at least 2 positive durations, got {n}")
    mu, s = float(logs.mean()), float(logs.std(ddof=1))
    t = float(stats.t.ppf(0.975, n - 1))
    sigma_low = s * np.sqrt((n - 1) / stats.chi2.ppf(0.975, n - 1))
    sigma_high = s * np.sqrt((n - 1) / stats.chi2.ppf(0.025, n - 1))
    log_mean = mu + s**2 / 2
    se = np.sqrt(s**2 / n + s**4 / (2 * (n - 1)))
    fitted = stats.lognorm(s, scale=np.exp(mu)) if s > 0 else None
    ks = float(stats.kstest(np.exp(logs), fitted.cdf).statistic) if fitted else 1.0
    low_q, high_q = (fitted.ppf(TAIL), fitted.ppf(1 - TAIL)) if fitted else (0.0, np.inf)
    return LognormalFit(
        n=n,
        zeros=zeros,
        mu=mu,
        mu_low=float(mu - t * s / np.sqrt(n)),
        mu_high=float(mu + t * s / np.sqrt(n)),
        sigma=s,
        sigma_low=float(sigma_low),
        sigma_high=float(sigma_high),
        mean=float(np.exp(log_mean)),
        mean_low=float(np.exp(log_mean - Z * se)),
        mean_high=float(np.exp(log_mean + Z * se)),
        cv=_cv(s),
        cv_low=_cv(float(sigma_low)),
        cv_high=_cv(float(sigma_high)),
        ks_distance=ks,
        below_low_tail=float((np.exp(logs) < low_q).mean()),
        above_high_tail=float((np.exp(logs) > high_q).mean()),
    )


def _lognormal_estimates(
    section: str, what: str, fit: LognormalFit, values: np.ndarray
) -> list[Estimate]:
    """distribution, mean_seconds and cv of `section`: the shape lognormal (Brown et al.), the
    mean and CV the data's own moments, because the queue's load rests on the mean, which a
    lognormal maximum-likelihood fit misstates when the data's tails are not lognormal (the
    fit's own mean and its goodness of fit are in the note)."""
    if np.ptp(values) == 0:  # a fixed duration (an ACD's wrap-up timer): no spread to fit
        return [
            Estimate(
                f"{section}.distribution",
                "deterministic",
                method=f"{what}: every value the same",
                rows=len(values),
            ),
            Estimate(
                f"{section}.mean_seconds",
                float(values[0]),
                float(values[0]),
                float(values[0]),
                f"{what}: every value the same",
                len(values),
            ),
        ]
    method = f"lognormal shape ({BROWN}) with the data's mean and CV"
    mean, cv, (mean_low, mean_high), (cv_low, cv_high) = _moments(values)
    fitted = (
        f"the lognormal MLE (normal theory on the logs) gives mean {fit.mean:.1f} s "
        f"[{fit.mean_low:.1f}; {fit.mean_high:.1f}], cv {fit.cv:.3f}, mu {fit.mu:.4f}, "
        f"sigma {fit.sigma:.4f}; "
    )
    return [
        Estimate(f"{section}.distribution", "lognormal", method=method, rows=len(values)),
        Estimate(
            f"{section}.mean_seconds",
            round(mean, 2),
            mean_low,
            mean_high,
            f"{method}: sample mean, t interval",
            len(values),
            fitted + fit.goodness(),
        ),
        Estimate(
            f"{section}.cv",
            round(cv, 4),
            cv_low,
            cv_high,
            f"{method}: sample CV, bootstrap percentile interval ({BOOTSTRAP} resamples)",
            len(values),
        ),
    ]


BOOTSTRAP = 200


def _moments(values: np.ndarray) -> tuple[float, float, tuple[float, float], tuple[float, float]]:
    """Sample mean and CV with 95 % intervals (t for the mean, a seeded bootstrap for the CV)."""
    n = len(values)
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n))
    rng = np.random.default_rng(20050101)
    cvs = []
    for _ in range(BOOTSTRAP):
        draw = values[rng.integers(0, n, n)]
        cvs.append(float(draw.std(ddof=1) / draw.mean()))
    low, high = np.percentile(cvs, [2.5, 97.5])
    return mean, sd / mean, (mean - half, mean + half), (float(low), float(high))


def estimate_handle_time(contacts: pd.DataFrame) -> list[Estimate]:
    """`service.*` from the talk times and `after_call_work.*` from the after-call work of the
    answered contacts (after-call work all 0 or missing: distribution "none")."""
    answered = contacts[contacts["answered"].astype(bool)]
    if (answered["talk"] > 0).sum() < 2:
        return [
            Estimate(
                "",
                "no handle time",
                method="lognormal fit of talk times",
                rows=len(answered),
                note="fewer than 2 answered contacts with a talk time: service and after-call "
                "work keep the scenario's defaults",
            )
        ]
    talk = answered["talk"].dropna().to_numpy(dtype=float)
    estimates = _lognormal_estimates("service", "talk times", fit_lognormal(talk), talk)
    acw = answered["acw"].dropna().to_numpy(dtype=float)
    if (acw > 0).sum() < 2:
        return [
            *estimates,
            Estimate(
                "after_call_work.distribution",
                "none",
                method="after-call work of the answered contacts",
                rows=len(acw),
                note="no after-call work recorded (all 0 or missing)",
            ),
        ]
    fit = fit_lognormal(acw)
    acw_estimates = _lognormal_estimates("after_call_work", "after-call work", fit, acw)
    if fit.zeros:
        share = fit.zeros / (fit.zeros + fit.n)
        overall = acw.mean()
        mean = acw_estimates[1]
        acw_estimates[1] = Estimate(
            mean.key,
            mean.value,
            mean.low,
            mean.high,
            mean.method,
            mean.rows,
            f"{mean.note}; {share:.1%} of the answered had no after-call work, the scenario "
            f"gives every call some, so its mean overall is {overall:.1f} s in the data",
        )
    return estimates + acw_estimates


def estimate_handle_time_from_intervals(observed: pd.DataFrame) -> list[Estimate]:
    """`service.mean_seconds` from the intervals' AHT weighted by their answered contacts (talk
    and after-call work together); an interval export says nothing of the split or the spread,
    so `service.cv` stays at the scenario's default, an assumption."""
    rows = observed[observed["aht"].notna() & (observed["answered"] > 0)]
    if rows.empty:
        return [
            Estimate(
                "",
                "no handle time",
                method="interval export: AHT per interval",
                note="no interval has an AHT and answered contacts; service keeps its defaults",
            )
        ]
    weights = rows["answered"].to_numpy(dtype=float)
    aht = float(np.average(rows["aht"], weights=weights))
    per_date = rows.assign(w=weights, wa=weights * rows["aht"]).groupby("date")[["w", "wa"]].sum()
    rng = np.random.default_rng(20050301)
    draws = []
    for _ in range(400):
        pick = per_date.iloc[rng.integers(0, len(per_date), len(per_date))]
        draws.append(pick["wa"].sum() / pick["w"].sum())
    low, high = np.percentile(draws, [2.5, 97.5]) if len(per_date) > 1 else (None, None)
    method = "mean of the intervals' AHT weighted by answered contacts; bootstrap over dates"
    return [
        Estimate("service.distribution", "lognormal", method=method, rows=len(rows)),
        Estimate(
            "service.mean_seconds",
            round(aht, 2),
            None if low is None else float(low),
            None if high is None else float(high),
            method,
            len(rows),
            "talk and after-call work together (an interval export does not split them)",
        ),
        Estimate(
            "service.cv",
            1.0,
            method="the scenario's default (assumption)",
            rows=0,
            note="an interval export gives no spread of handle times: cv 1.0 (the scenario's "
            "default) is an assumption, not an estimate",
        ),
        Estimate(
            "after_call_work.distribution",
            "none",
            method="interval export: AHT holds the after-call work",
            rows=len(rows),
            note="after-call work is inside service.mean_seconds",
        ),
    ]
