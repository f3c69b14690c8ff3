"""Choices learned from the development pages: linear models over named features, shipped as data.

Extraction decides several things by weighing evidence: is this page one article or a list, which
of a page's dates is its publication date. The weights of that evidence are fitted on the dev
folders of `../shared/bench` by `benchmarks/fit_models.py` (cross-validated by site) and stored
in `extract/models/<name>.json`; this module only reads them and scores. Inference is a dot product
in plain Python: no model library is needed at crawl time.

A feature is a number computed by extraction code (booleans count as 0/1). A model names the
features it was fitted on; a feature the code does not supply counts as 0, and a supplied feature
the model does not know is ignored, so code and weights can change one at a time without crashing,
and `tests/test_learned_models.py` checks that every model's features are ones the code supplies.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

Features = Mapping[str, float]


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A logistic model: P(yes | features) = sigmoid(bias + sum(weight * (value - mean) / scale))."""

    name: str
    bias: float
    weights: Mapping[str, float]
    means: Mapping[str, float]
    scales: Mapping[str, float]
    threshold: float = 0.5  # the probability above which the answer is yes
    fitted: Mapping[str, Any] | None = None  # how and on what it was fitted (for people, not code)

    def logit(self, features: Features) -> float:
        total = self.bias
        for name, weight in self.weights.items():
            value = float(features.get(name, 0.0))
            total += weight * (value - self.means.get(name, 0.0)) / (self.scales.get(name) or 1.0)
        return total

    def probability(self, features: Features) -> float:
        logit = self.logit(features)
        if logit >= 0:
            return 1.0 / (1.0 + math.exp(-logit))
        exp = math.exp(logit)
        return exp / (1.0 + exp)

    def says_yes(self, features: Features) -> bool:
        return self.probability(features) >= self.threshold

    def best(self, candidates: Sequence[Features]) -> int | None:
        """The index of the candidate the model rates highest (None for no candidates)."""
        if not candidates:
            return None
        scores = [self.logit(c) for c in candidates]
        return max(range(len(scores)), key=scores.__getitem__)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        return cls(
            name=str(data["name"]),
            bias=float(data["bias"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            means={str(k): float(v) for k, v in data.get("means", {}).items()},
            scales={str(k): float(v) for k, v in data.get("scales", {}).items()},
            threshold=float(data.get("threshold", 0.5)),
            fitted=data.get("fitted"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "bias": self.bias,
            "threshold": self.threshold,
            "weights": dict(self.weights),
            "means": dict(self.means),
            "scales": dict(self.scales),
            "fitted": dict(self.fitted or {}),
        }


_OVERRIDDEN: dict[str, LinearModel] = {}


def load_model(name: str) -> LinearModel:
    """The model `extract/models/<name>.json`, read once per process."""
    return _OVERRIDDEN.get(name) or _shipped_model(name)


@cache
def _shipped_model(name: str) -> LinearModel:
    text = resources.files("newscrawler.extract.models").joinpath(f"{name}.json").read_text("utf-8")
    return LinearModel.from_json(json.loads(text))


@contextmanager
def models_overridden(models: Mapping[str, LinearModel]) -> Iterator[None]:
    """Use these models instead of the shipped ones: fitting a model needs extraction to run before
    that model exists, and fitting one must not depend on a stale copy of another."""
    saved = dict(_OVERRIDDEN)
    _OVERRIDDEN.update(models)
    try:
        yield
    finally:
        _OVERRIDDEN.clear()
        _OVERRIDDEN.update(saved)


def neutral_model(name: str) -> LinearModel:
    """A model with no weights: every candidate scores alike, so `best` takes the first one."""
    return LinearModel(name=name, bias=0.0, weights={}, means={}, scales={}, fitted={"command": "neutral"})
