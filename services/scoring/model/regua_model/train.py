"""Train the propensity-to-pay model, write its artifact and REPORT.md.

    python -m regua_model.train --version pd-2026.11.26-1        # train, write artifacts/<version>/ and REPORT.md
    python -m regua_model.train --check                            # retrain the current version, compare with the committed files

Everything is seeded: the same version and seeds give the same coefficients and figures.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import generator
from .metrics import evaluate, paired_bootstrap_auc_gain
from .report import render_report
from .spec import columns, encode, encode_row, load_spec, spec_hash

MODEL_DIR = Path(__file__).resolve().parent.parent
ARTIFACTS = MODEL_DIR / "artifacts"
VERSION_RE = re.compile(r"^pd-\d{4}\.\d{2}\.\d{2}-\d+$")

TRAIN_ROWS, HOLDOUT_ROWS, SHIFTED_ROWS, RECALIBRATION_ROWS = 40_000, 10_000, 10_000, 5_000
SEEDS = {"train": 20261126, "holdout": 20261127, "shifted": 20261128, "shiftedTrain": 20261129, "bootstrap": 7}
C = 1.0  # inverse L2 strength; columns are standardised first, so one value fits all

# The generator's raw facts, as the CSVs hold them: the spec's inputs and the counts the readRate reason quotes.
INPUTS = [
    "daysPastDue", "amountCents", "hasValidMobile", "hasValidEmail", "whatsappCapable", "priorPaidInvoices",
    "agreementsBroken", "agreementsKept", "messagesSent", "messagesDelivered", "messagesRead", "readRate", "daysSinceLastRead",
    "productType", "uf",
]


def fit(x: np.ndarray, y: np.ndarray):
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, solver="lbfgs", max_iter=1000)).fit(x, y)


def labels(rows: Sequence[dict]) -> np.ndarray:
    return np.array([r["paidWithin30Days"] for r in rows], dtype=int)


def write_csv(path: Path, rows: Sequence[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=[*INPUTS, "paidWithin30Days"], lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: (int(v) if isinstance(v, bool) else v) for k, v in r.items()})


def fixture_rows(holdout: Sequence[dict]) -> list[dict]:
    """Holdout rows plus edge cases the encoder must treat the same way in both languages."""
    edge = [
        {**holdout[0], "daysPastDue": -5},                          # before the due date: clipped to 0
        {**holdout[1], "amountCents": 5_000_000_000},               # above the cap
        {**holdout[2], "uf": None},                                 # no address: no region column set
        {**holdout[3], "uf": "XX"},                                 # unknown UF: same as missing
        {**holdout[4], "priorPaidInvoices": 99, "agreementsBroken": 12, "agreementsKept": 9, "messagesSent": 900},  # above the caps
        {**holdout[5], "hasValidMobile": False, "hasValidEmail": False, "whatsappCapable": False},
        # never messaged: nothing delivered, read rate 0, the recency sentinel
        {**holdout[6], "messagesSent": 0, "messagesDelivered": 0, "messagesRead": 0, "readRate": 0.0, "daysSinceLastRead": 180},
        # read every message, the last one today
        {**holdout[7], "messagesSent": 4, "messagesDelivered": 4, "messagesRead": 4, "readRate": 1.0, "daysSinceLastRead": 0},
    ]
    return [{k: v for k, v in r.items() if k != "paidWithin30Days"} for r in [*holdout[:10], *edge]]


def train(version: str, out: Path) -> dict[str, Any]:
    spec = load_spec()
    train_rows = generator.generate(TRAIN_ROWS, SEEDS["train"], generator.BASE)
    holdout = generator.generate(HOLDOUT_ROWS, SEEDS["holdout"], generator.BASE)
    shifted = generator.generate(SHIFTED_ROWS, SEEDS["shifted"], generator.SHIFTED)
    shifted_train = generator.generate(RECALIBRATION_ROWS, SEEDS["shiftedTrain"], generator.SHIFTED)

    x_train, y_train = encode(spec, train_rows), labels(train_rows)
    x_hold, y_hold = encode(spec, holdout), labels(holdout)
    x_shift, y_shift = encode(spec, shifted), labels(shifted)
    x_shift_train, y_shift_train = encode(spec, shifted_train), labels(shifted_train)

    model = fit(x_train, y_train)
    dpd = [0]  # the first column is log1p(days past due)
    baseline = fit(x_train[:, dpd], y_train)

    # What the service's retraining job could recover on the shifted world, from a 5,000-row labelled sample:
    # recalibration (logistic fit of the label on the model's logit: slope and intercept) and a full refit.
    logit_shift_train = model.decision_function(x_shift_train)
    recal = LogisticRegression(C=1e6, solver="lbfgs").fit(logit_shift_train.reshape(-1, 1), y_shift_train)
    recal_slope, recal_intercept = float(recal.coef_[0][0]), float(recal.intercept_[0])
    refit = fit(x_shift_train, y_shift_train)

    p = {
        "holdout": {"model": model.predict_proba(x_hold)[:, 1], "baseline": baseline.predict_proba(x_hold[:, dpd])[:, 1]},
        "shifted": {
            "model": model.predict_proba(x_shift)[:, 1],
            "baseline": baseline.predict_proba(x_shift[:, dpd])[:, 1],
            "recalibrated": 1 / (1 + np.exp(-(recal_slope * model.decision_function(x_shift) + recal_intercept))),
            "refit": refit.predict_proba(x_shift)[:, 1],
            "refitBaseline": fit(x_shift_train[:, dpd], y_shift_train).predict_proba(x_shift[:, dpd])[:, 1],
        },
    }
    y = {"holdout": y_hold, "shifted": y_shift}
    metrics = {ds: {name: evaluate(y[ds], probs) for name, probs in by.items()} for ds, by in p.items()}
    gains = {
        ds: paired_bootstrap_auc_gain(y[ds], p[ds]["model"], p[ds]["baseline"], SEEDS["bootstrap"], 500)
        for ds in ("holdout", "shifted")
    }

    scaler, lr = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
    fixtures = fixture_rows(holdout)
    x_fix = np.array([encode_row(spec, r) for r in fixtures])
    artifact = {
        "version": version,
        "kind": "logistic-regression",
        "spec": spec,
        "specHash": spec_hash(spec),
        "columns": columns(spec),
        "standardisation": {"mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()},
        "coefficients": lr.coef_[0].tolist(),
        "intercept": float(lr.intercept_[0]),
        "calibration": {"slope": 1.0, "intercept": 0.0},
        "manifest": {
            "parentVersion": None,
            "trainedWith": {
                "estimator": f"StandardScaler + LogisticRegression(C={C}, solver=lbfgs)",
                "scikitLearn": sklearn.__version__,
                "numpy": np.__version__,
                "python": sys.version.split()[0],
            },
            "data": {
                "generator": "services/scoring/model/regua_model/generator.py (BASE)",
                "seeds": SEEDS,
                "rows": {"train": TRAIN_ROWS, "holdout": HOLDOUT_ROWS, "shifted": SHIFTED_ROWS, "shiftedTrain": RECALIBRATION_ROWS},
            },
            "metrics": {
                "holdout": {"auc": metrics["holdout"]["model"]["auc"], "brier": metrics["holdout"]["model"]["brier"],
                            "baselineAuc": metrics["holdout"]["baseline"]["auc"]},
                "shifted": {"auc": metrics["shifted"]["model"]["auc"], "brier": metrics["shifted"]["model"]["brier"],
                            "baselineAuc": metrics["shifted"]["baseline"]["auc"]},
            },
        },
    }

    vdir = out / version
    vdir.mkdir(parents=True, exist_ok=True)
    (vdir / "model.json").write_text(json.dumps(artifact, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (vdir / "fixtures.json").write_text(json.dumps({
        "note": "Raw features and scikit-learn's predict_proba for them; model.unit.test.ts checks the TypeScript inference against these.",
        "cases": [{"features": f, "probability": float(pr)} for f, pr in zip(fixtures, model.predict_proba(x_fix)[:, 1])],
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_csv(vdir / "holdout.csv", holdout)
    write_csv(vdir / "shifted.csv", shifted)
    (out / "current.json").write_text(json.dumps({"version": version}, indent=2) + "\n", encoding="utf-8")

    report = render_report(artifact, metrics, gains, {"slope": recal_slope, "intercept": recal_intercept}, generator)
    return {"artifact": artifact, "metrics": metrics, "report": report}


def check() -> int:
    """Retrain the committed current version in a scratch directory and compare figures and coefficients."""
    version = json.loads((ARTIFACTS / "current.json").read_text())["version"]
    committed = json.loads((ARTIFACTS / version / "model.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        result = train(version, Path(tmp))
    fresh = result["artifact"]
    problems = []
    for key in ("coefficients",):
        diff = max(abs(a - b) for a, b in zip(committed[key], fresh[key]))
        if diff > 1e-9:
            problems.append(f"{key} differ by up to {diff:.2e}")
    if abs(committed["intercept"] - fresh["intercept"]) > 1e-9:
        problems.append("intercept differs")
    if committed["specHash"] != fresh["specHash"]:
        problems.append("feature spec changed since this version was trained")
    for ds, m in committed["manifest"]["metrics"].items():
        for k, v in m.items():
            if abs(v - fresh["manifest"]["metrics"][ds][k]) > 1e-9:
                problems.append(f"{ds}.{k}: committed {v}, reproduced {fresh['manifest']['metrics'][ds][k]}")
    committed_report = (MODEL_DIR / "REPORT.md").read_text(encoding="utf-8")
    if committed_report != result["report"]:
        problems.append("REPORT.md differs from the reproduced report")
    for p in problems:
        print(f"[model] {p}", file=sys.stderr)
    print(f"[model] {version}: " + ("reproduced" if not problems else "NOT reproduced"), file=sys.stderr)
    print(result["report"])
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", help="artifact version, pd-YYYY.MM.DD-N")
    ap.add_argument("--check", action="store_true", help="reproduce the current version and compare")
    args = ap.parse_args(argv)
    if args.check:
        return check()
    if not args.version or not VERSION_RE.match(args.version):
        ap.error("--version pd-YYYY.MM.DD-N is required")
    result = train(args.version, ARTIFACTS)
    (MODEL_DIR / "REPORT.md").write_text(result["report"], encoding="utf-8")
    m = result["metrics"]
    print(f"[model] {args.version}: holdout AUC {m['holdout']['model']['auc']:.4f} "
          f"(baseline {m['holdout']['baseline']['auc']:.4f}), shifted AUC {m['shifted']['model']['auc']:.4f} "
          f"(baseline {m['shifted']['baseline']['auc']:.4f})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
