"""Held-out metrics: discrimination (AUC), calibration (Brier, log loss, reliability by decile), lift by decile."""
from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score


def deciles(p: np.ndarray) -> list[np.ndarray]:
    """Indices of the 10 groups from the highest predicted probability to the lowest (ties broken by position)."""
    order = np.argsort(-p, kind="stable")
    return np.array_split(order, 10)


def evaluate(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    base_rate = float(y.mean())
    groups = deciles(p)
    payers = float(y.sum())
    lift, captured = [], 0.0
    for i, g in enumerate(groups, start=1):
        rate = float(y[g].mean())
        captured += float(y[g].sum())
        lift.append({"decile": i, "rows": int(len(g)), "meanPredicted": float(p[g].mean()), "observedRate": rate,
                     "lift": rate / base_rate, "cumulativeCapture": captured / payers})
    return {
        "rows": int(len(y)),
        "baseRate": base_rate,
        "meanPredicted": float(p.mean()),
        "auc": float(roc_auc_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        # Brier of always predicting the observed base rate: the "no skill" reference.
        "brierReference": base_rate * (1 - base_rate),
        "logLoss": float(log_loss(y, p)),
        # Expected calibration error over the deciles: mean |predicted - observed|, weighted by rows.
        "ece": float(sum(len(g) * abs(p[g].mean() - y[g].mean()) for g in groups) / len(y)),
        "deciles": lift,
    }


def paired_bootstrap_auc_gain(y: np.ndarray, p_model: np.ndarray, p_base: np.ndarray, seed: int, n: int) -> dict[str, float]:
    """AUC(model) - AUC(baseline) with a 95 % percentile interval from resampling the same rows for both."""
    rng = np.random.default_rng(seed)
    gains = []
    for _ in range(n):
        idx = rng.integers(0, len(y), size=len(y))
        gains.append(roc_auc_score(y[idx], p_model[idx]) - roc_auc_score(y[idx], p_base[idx]))
    return {
        "gain": float(roc_auc_score(y, p_model) - roc_auc_score(y, p_base)),
        "low": float(np.percentile(gains, 2.5)),
        "high": float(np.percentile(gains, 97.5)),
    }
