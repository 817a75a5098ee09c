"""Raw features -> model columns, driven by feature-spec.json.

The TypeScript encoder (services/scoring/src/model/encode.ts) implements the same rules from the same file;
the fixtures written by train.py pin the two together.
"""
from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

SPEC_PATH = Path(__file__).resolve().parent.parent / "feature-spec.json"


def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def spec_hash(spec: Mapping[str, Any]) -> str:
    """sha256 of the spec's canonical JSON (sorted keys, no spaces); encode.ts computes the same."""
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def columns(spec: Mapping[str, Any]) -> list[dict[str, str]]:
    """One entry per model column: the raw input it comes from, and the category for one-hot columns."""
    out: list[dict[str, str]] = []
    for f in spec["features"]:
        if f["kind"] == "category":
            out.extend({"input": f["input"], "category": c} for c in f["categories"])
        else:
            out.append({"input": f["input"]})
    return out


def _number(f: Mapping[str, Any], value: float) -> float:
    lo, hi = f["clip"]
    x = min(max(float(value), lo), hi) * f.get("scale", 1.0)
    if f["transform"] == "log1p":
        return math.log1p(x)
    if f["transform"] == "identity":
        return x
    raise ValueError(f"unknown transform {f['transform']}")


def _category(f: Mapping[str, Any], value: str | None) -> str | None:
    if value is None:
        return None
    groups = f.get("groups")
    if groups is None:
        return value if value in f["categories"] else None
    for group, members in groups.items():
        if value in members:
            return group
    return None


def encode_row(spec: Mapping[str, Any], row: Mapping[str, Any]) -> list[float]:
    out: list[float] = []
    for f in spec["features"]:
        value = row.get(f["input"])
        if f["kind"] == "number":
            out.append(_number(f, value))
        elif f["kind"] == "boolean":
            out.append(1.0 if value else 0.0)
        else:
            level = _category(f, value)
            out.extend(1.0 if level == c else 0.0 for c in f["categories"])
    return out


def encode(spec: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
    return np.array([encode_row(spec, r) for r in rows], dtype=np.float64)
