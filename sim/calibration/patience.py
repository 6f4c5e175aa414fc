"""Patience from censored waits: an abandoned caller's wait is their patience, an answered
caller's only a lower bound. Kaplan-Meier, and exponential and lognormal maximum-likelihood fits
of the censored data (lifelines) chosen by AIC; Brown et al.'s abandonment-to-wait check."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.calibration.handle_time import lognormal_moments, lognormal_parameters
from sim.calibration.records import Estimate
from sim.calibration.sources import BROWN, BURNHAM_ANDERSON
from sim.calibration.sources import KAPLAN_MEIER as KM
from sim.errors import UsageError
from sim.scenario.queue import MAX_CV

EPSILON = 0.5
"""Seconds given to an abandonment after a wait of 0 (under a second): the lognormal needs
positive durations. Answered callers who waited 0 tell nothing of patience and are left out."""
Z = float(stats.norm.ppf(0.975))
AIC_MARGIN = 2.0
"""The lognormal (two parameters) replaces the exponential (one) only when its AIC is lower by
more than this: smaller differences are no substantial support (Burnham & Anderson 2002). On
exponential data (600 contacts) plain AIC chose the lognormal for 5 % of 300 seeds, and the
mean's CI then covered the truth for 91 % of 150 seeds; with the margin 2 % and 92 % of 300."""


def _lifelines() -> Any:
    """lifelines, or a clear UsageError naming the extra that installs it."""
    try:
        import lifelines
    except ImportError:  # pragma: no cover - the extra is installed in development
        raise UsageError(
            "ccsim calibrate needs the calibrate extra: pip install 'ccsim[calibrate]'"
        ) from None
    return lifelines


def _durations(contacts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(durations, abandoned) of the censored patience data."""
    wait = contacts["wait"].to_numpy(dtype=float)
    event = ~contacts["answered"].to_numpy(dtype=bool)
    keep = event | (wait > 0)
    return np.maximum(wait[keep], np.where(event[keep], EPSILON, 0.0)), event[keep]


def kaplan_meier(contacts: pd.DataFrame) -> pd.DataFrame:
    """The Kaplan-Meier survival of patience: columns time, survival, low, high (95 %)."""
    durations, event = _durations(contacts)
    km = _lifelines().KaplanMeierFitter().fit(durations, event)
    ci = km.confidence_interval_
    return pd.DataFrame(
        {
            "time": km.survival_function_.index.to_numpy(dtype=float),
            "survival": km.survival_function_.iloc[:, 0].to_numpy(),
            "low": ci.iloc[:, 0].to_numpy(),
            "high": ci.iloc[:, 1].to_numpy(),
        }
    )


def estimate_patience(contacts: pd.DataFrame) -> list[Estimate]:
    """`patience.distribution`, `patience.mean_seconds` and (lognormal) `patience.cv` from the
    censored waits; reported: Kaplan-Meier median and the abandonment-to-wait check."""
    lifelines = _lifelines()
    durations, event = _durations(contacts)
    rows, abandoned = len(durations), int(event.sum())
    if abandoned < 2:
        return [
            Estimate(
                "patience.distribution",
                "none",
                method=f"censored waits ({KM}; lifelines)",
                rows=rows,
                note=f"{abandoned} abandoned contacts: no patience to estimate, callers never "
                "abandon in the scenario",
            )
        ]
    km = lifelines.KaplanMeierFitter().fit(durations, event)
    expo = lifelines.ExponentialFitter().fit(durations, event)
    logn = lifelines.LogNormalFitter().fit(durations, event)
    median = float(km.median_survival_time_)
    aics = f"AIC exponential {expo.AIC_:.1f}, lognormal {logn.AIC_:.1f}"
    method = (
        f"Kaplan-Meier and censored MLE ({KM}; lifelines), chosen by AIC (the lognormal needs "
        f"an AIC lower by more than {AIC_MARGIN:g}: {BURNHAM_ANDERSON})"
    )
    km_note = (
        f"Kaplan-Meier median patience {median:.1f} s"
        if np.isfinite(median)
        else "Kaplan-Meier median patience not reached (most callers would wait longer)"
    )
    note = f"{abandoned:,} abandoned, {rows - abandoned:,} answered (censored); {aics}; {km_note}"
    wild = lognormal_moments(float(logn.mu_), float(logn.sigma_))[1] > MAX_CV
    if wild:
        note += (
            f"; the lognormal's cv exceeds the scenario's limit of {MAX_CV:g} (its mean lies "
            "far beyond every wait seen): the exponential is kept"
        )
    if wild or expo.AIC_ <= logn.AIC_ + AIC_MARGIN:
        scale = float(expo.lambda_)
        spread = float(np.exp(Z / np.sqrt(abandoned)))  # the MLE's log: variance 1 / events
        estimates = [
            Estimate("patience.distribution", "exponential", method=method, rows=rows, note=note),
            Estimate(
                "patience.mean_seconds",
                round(scale, 2),
                scale / spread,
                scale * spread,
                f"exponential censored MLE, mean = scale λ (lifelines); 95 % CI on the log "
                f"scale, var(log λ) = 1 / abandoned; {KM}",
                rows,
            ),
        ]
    else:
        estimates = _lognormal(logn, method, rows, note)
    return [*estimates, _ratio_check(contacts, estimates)]


def _lognormal(fitter: Any, method: str, rows: int, note: str) -> list[Estimate]:
    """The lognormal patience estimates: mean by the delta method on its log, cv from sigma's
    CI (the cv grows with sigma)."""
    mu, sigma = float(fitter.mu_), float(fitter.sigma_)
    mean, cv = lognormal_moments(mu, sigma)
    v = fitter.variance_matrix_.loc[["mu_", "sigma_"], ["mu_", "sigma_"]].to_numpy()
    grad = np.array([1.0, sigma])
    se = float(np.sqrt(grad @ v @ grad))
    s_low, s_high = fitter.summary.loc["sigma_", ["coef lower 95%", "coef upper 95%"]]
    return [
        Estimate("patience.distribution", "lognormal", method=method, rows=rows, note=note),
        Estimate(
            "patience.mean_seconds",
            round(mean, 2),
            float(np.exp(np.log(mean) - Z * se)),
            float(np.exp(np.log(mean) + Z * se)),
            f"lognormal censored MLE, mean exp(mu + σ²/2), CI by the delta method on its log; {KM}",
            rows,
            f"mu {mu:.4f}, sigma {sigma:.4f}",
        ),
        Estimate(
            "patience.cv",
            round(cv, 4),
            lognormal_moments(mu, max(float(s_low), 0.0))[1],
            lognormal_moments(mu, float(s_high))[1],
            "lognormal censored MLE, cv sqrt(exp(σ²) − 1), CI from lifelines' CI of sigma",
            rows,
        ),
    ]


def _ratio_check(contacts: pd.DataFrame, estimates: list[Estimate]) -> Estimate:
    """Brown et al.'s check: per date and hour, P(abandon) against the mean wait of all callers;
    with exponential patience the slope through the origin is 1 / mean patience."""
    hours = contacts.assign(
        hour=(contacts["second"] // 3600).astype(int), abandoned=~contacts["answered"].astype(bool)
    ).groupby(["date", "hour"])
    cells = pd.DataFrame({"p": hours["abandoned"].mean(), "w": hours["wait"].mean()})
    cells = cells[cells["w"] > 0]
    fitted = next(e for e in estimates if e.key == "patience.mean_seconds")
    method = f"abandonment-to-wait ratio: regression through the origin per date and hour; {BROWN}"
    if len(cells) < 2:
        return Estimate("", "no check", method=method, note="too few hours with waits")
    x, y = cells["w"].to_numpy(), cells["p"].to_numpy()
    slope = float(x @ y / (x @ x))
    se = float(np.sqrt(((y - slope * x) ** 2).sum() / (len(x) - 1) / (x @ x)))
    low, high = slope - Z * se, slope + Z * se
    patience = 1 / slope if slope > 0 else float("inf")
    bounds = (1 / high if high > 0 else float("inf"), 1 / low if low > 0 else float("inf"))
    agrees = bounds[0] <= fitted.value <= bounds[1]
    return Estimate(
        "",
        round(patience, 2),
        bounds[0],
        bounds[1],
        method,
        len(cells),
        f"mean patience 1/slope (exponential patience); the fit says {fitted.value:.1f} s: "
        + (
            "consistent"
            if agrees
            else "outside this check's CI (patience not exponential, or "
            "waits and patience dependent)"
        ),
    )


def fitted_survival(estimates: list[Estimate], times: np.ndarray) -> np.ndarray | None:
    """The survival of the estimated patience distribution at `times` (seconds), for the
    report's figure against the Kaplan-Meier curve; None when the estimates fit none (no
    distribution, or one without a mean)."""
    values = {e.key: e.value for e in estimates if e.key.startswith("patience.")}
    t = np.asarray(times, dtype=float)
    kind = values.get("patience.distribution")
    if kind == "none":
        return np.ones_like(t)
    mean = values.get("patience.mean_seconds")
    if kind is None or not isinstance(mean, int | float) or mean <= 0:
        return None
    if kind == "deterministic":
        return (t < mean).astype(float)
    if kind == "exponential":
        return np.exp(-t / mean)
    mu, sigma = lognormal_parameters(float(mean), float(values.get("patience.cv", 1.0)))
    with np.errstate(divide="ignore"):
        return stats.norm.sf((np.log(t) - mu) / sigma)


def estimate_patience_from_intervals(observed: pd.DataFrame) -> list[Estimate]:
    """Exponential patience from an interval export by the abandonment-to-wait ratio alone:
    abandoned / total wait, the total wait taken as ASA × offered (the abandoned callers' waits
    are unknown: assumed as long as the answered's)."""
    rows = observed[observed["asa"].notna() & (observed["offered"] > 0)]
    abandoned = float(rows["abandoned"].sum())
    waited = float((rows["asa"] * rows["offered"]).sum())
    method = f"abandonment-to-wait ratio, exponential patience ({BROWN})"
    if abandoned < 1 or waited <= 0:
        return [
            Estimate(
                "",
                "no patience",
                method=method,
                rows=len(rows),
                note="no abandonment or no waiting in the export; patience keeps its default",
            )
        ]
    low = stats.chi2.ppf(0.025, 2 * abandoned) / 2 / waited
    high = stats.chi2.ppf(0.975, 2 * (abandoned + 1)) / 2 / waited
    return [
        Estimate("patience.distribution", "exponential", method=method, rows=len(rows)),
        Estimate(
            "patience.mean_seconds",
            round(waited / abandoned, 2),
            float(1 / high),
            float(1 / low),
            f"{method}: mean = total wait / abandoned; Poisson CI on the abandoned count",
            len(rows),
            "total wait = ASA × offered: the export gives the answered's mean wait only, so the "
            "abandoned are assumed to wait as long (they usually wait less: this tends to "
            "overstate patience); the exponential is assumed, not tested",
        ),
    ]
