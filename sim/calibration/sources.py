"""The published sources the estimators name in each estimate's method, spelled once."""

from __future__ import annotations

BROWN = "Brown et al. 2005, JASA 100(469):36-50"
"""Brown, Gans, Mandelbaum, Sakov, Shen, Zeltyn and Zhao: "Statistical analysis of a telephone
call center: a queueing-science perspective" (arrivals, overdispersion, lognormal service
times, patience and the abandonment-to-wait ratio)."""

KAPLAN_MEIER = "Kaplan & Meier 1958"
"""Kaplan and Meier: "Nonparametric estimation from incomplete observations", JASA 53:457-481."""

WILSON = "Wilson 1927"
"""Wilson: "Probable inference, the law of succession, and statistical inference", JASA 22."""

BURNHAM_ANDERSON = "Burnham & Anderson 2002"
"""Burnham and Anderson: "Model selection and multimodel inference" (AIC differences)."""

RAO_WU = "Rao & Wu 1988"
"""Rao and Wu: "Resampling inference with complex survey data", JASA 83:231-241 (the
rescaled bootstrap: n − 1 of n units resampled)."""
