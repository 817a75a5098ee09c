"""REPORT.md from the figures train.py computed; no computation here beyond formatting."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any


def _f(x: float, d: int = 4) -> str:
    return f"{x:.{d}f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _summary_row(name: str, m: dict[str, Any]) -> str:
    return (f"| {name} | {_f(m['auc'])} | {_f(m['brier'])} | {_f(m['brierReference'])} | {_f(m['logLoss'])} "
            f"| {_f(m['ece'])} | {_pct(m['meanPredicted'])} | {_pct(m['baseRate'])} | {_f(m['deciles'][0]['lift'], 2)} "
            f"| {_pct(m['deciles'][2]['cumulativeCapture'])} |")


def _deciles_table(model: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    lines = [
        "| decile (highest score first) | rows | mean predicted | observed payment rate | lift | cumulative share of payers | baseline: observed rate | baseline: lift |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m, b in zip(model["deciles"], baseline["deciles"]):
        lines.append(f"| {m['decile']} | {m['rows']} | {_pct(m['meanPredicted'])} | {_pct(m['observedRate'])} | {_f(m['lift'], 2)} "
                     f"| {_pct(m['cumulativeCapture'])} | {_pct(b['observedRate'])} | {_f(b['lift'], 2)} |")
    return lines


def _effects_diff(generator) -> list[str]:
    base, shifted = asdict(generator.BASE), asdict(generator.SHIFTED)
    out = []
    for group in ("effects", "mix"):
        for k, v in base[group].items():
            w = shifted[group][k]
            if isinstance(v, dict):
                for level, bv in v.items():
                    if bv != w[level]:
                        out.append(f"| {group}.{k}.{level} | {bv:+.2f} | {w[level]:+.2f} |")
            elif v != w:
                out.append(f"| {group}.{k} | {v:+.3f} | {w:+.3f} |")
    return out


def render_report(artifact: dict[str, Any], metrics: dict[str, Any], gains: dict[str, Any],
                  recal: dict[str, float], generator) -> str:
    h, s = metrics["holdout"], metrics["shifted"]
    g_h, g_s = gains["holdout"], gains["shifted"]
    survives = g_s["gain"] / g_h["gain"] if g_h["gain"] else float("nan")
    man = artifact["manifest"]
    header = "| model | AUC | Brier | Brier, base rate only | log loss | calibration error (deciles) | mean predicted | observed rate | lift, top decile | payers in top 30 % |"
    sep = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    cols = ", ".join(f"`{c['input']}`" + (f"={c['category']}" if "category" in c else "") for c in artifact["columns"])
    lines = [
        f"# Propensity-to-pay model {artifact['version']}: report",
        "",
        "Reproduce with `pnpm model:report` (retrains this version from its seeds, compares coefficients, figures and this",
        "file with the committed ones, exits non-zero on a difference). `pnpm test` re-computes the held-out AUC and Brier",
        "from the committed artifact through the TypeScript inference (`services/scoring/src/model/report.unit.test.ts`).",
        "",
        "**The data are synthetic** (`regua_model/generator.py`, effects and their sources in `README.md`). These figures say",
        "the model recovers the effects the generator put in, and how it degrades when they change; they say nothing yet",
        "about a real portfolio. Replace the generator with labelled outcomes from payment-reconciliation when there are some.",
        "",
        "## Model",
        f"- {man['trainedWith']['estimator']}, scikit-learn {man['trainedWith']['scikitLearn']}; label `paidWithin30Days`.",
        f"- Trained on {man['data']['rows']['train']:,} generated invoices (seed {man['data']['seeds']['train']}); held out: "
        f"{man['data']['rows']['holdout']:,} more from the same generator (seed {man['data']['seeds']['holdout']}); shifted: "
        f"{man['data']['rows']['shifted']:,} from the shifted generator (seed {man['data']['seeds']['shifted']}).",
        f"- Columns ({len(artifact['columns'])}), built from `feature-spec.json` ({artifact['specHash'][:19]}…): {cols}.",
        "- Baseline: the same logistic regression on days past due only (log1p of the clipped days).",
        "",
        "## Held-out data (same generator)",
        "",
        header, sep,
        _summary_row("model", h["model"]),
        _summary_row("days-past-due baseline", h["baseline"]),
        "",
        f"AUC gain over the baseline: **{_f(g_h['gain'])}** (95 % paired bootstrap interval {_f(g_h['low'])} to {_f(g_h['high'])}, 500 resamples).",
        "",
        "### Lift and calibration by decile (held-out)",
        "",
        "Rows sorted by predicted probability, highest first; \"mean predicted\" against \"observed payment rate\" is the",
        "reliability table, lift is the decile's payment rate over the overall rate.",
        "",
        *_deciles_table(h["model"], h["baseline"]),
        "",
        "## Shifted generator",
        "",
        "The same trained model, unchanged, on data from `generator.SHIFTED`, which changes these effects (log-odds) and mix:",
        "",
        "| parameter | base | shifted |",
        "|---|---:|---:|",
        *_effects_diff(generator),
        "",
        header, sep,
        _summary_row("model (unchanged)", s["model"]),
        _summary_row("days-past-due baseline (unchanged)", s["baseline"]),
        _summary_row("model, recalibrated on 5,000 shifted rows", s["recalibrated"]),
        _summary_row("model refitted on 5,000 shifted rows", s["refit"]),
        _summary_row("baseline refitted on 5,000 shifted rows", s["refitBaseline"]),
        "",
        f"AUC gain over the baseline on shifted data: **{_f(g_s['gain'])}** (95 % interval {_f(g_s['low'])} to {_f(g_s['high'])}), "
        f"that is **{_pct(survives)}** of the held-out gain survives the shift.",
        f"Calibration does not survive as well: the unchanged model predicts {_pct(s['model']['meanPredicted'])} on average "
        f"where {_pct(s['model']['baseRate'])} pay. A recalibration (slope {_f(recal['slope'], 3)}, intercept {_f(recal['intercept'], 3)} "
        "on the logit) restores it without touching the ranking: the scoring service's scheduled job can fit one from "
        "payment outcomes and store it as a new version without retraining; a full refit gains little more here.",
        "",
        "### Lift and calibration by decile (shifted, unchanged model)",
        "",
        *_deciles_table(s["model"], s["baseline"]),
        "",
        "## Coefficients (standardised columns; log-odds per standard deviation)",
        "",
        "| column | coefficient | training mean | training sd |",
        "|---|---:|---:|---:|",
        *[f"| {c['input']}{'=' + c['category'] if 'category' in c else ''} | {w:+.4f} | {mu:.4f} | {sd:.4f} |"
          for c, w, mu, sd in zip(artifact["columns"], artifact["coefficients"], artifact["standardisation"]["mean"],
                                  artifact["standardisation"]["scale"])],
        f"| intercept | {artifact['intercept']:+.4f} | | |",
        "",
    ]
    return "\n".join(lines)
