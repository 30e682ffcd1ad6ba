"""The arithmetic of the results, as pure functions over plain numbers.

An expert's total is Σ weight × score over the call's criteria (an unscored optional
criterion counts 0); an application's total is the mean of its experts' totals; the
spread is the distance between the highest and the lowest expert total, and experts
disagree when it exceeds the call's threshold.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

TWO_PLACES = Decimal("0.01")


def q(value):
    return None if value is None else Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def expert_total(weights, scores):
    """weights {criterion_id: Decimal}, scores {criterion_id: int} → Σ weight × score."""
    return sum((Decimal(weights[c]) * Decimal(scores.get(c, 0)) for c in weights), Decimal(0))


@dataclass
class Row:
    key: object
    totals: list  # one per counted review
    total: Decimal | None
    spread: Decimal | None
    per_criterion: dict  # criterion_id → (mean, median)
    disagreement: bool
    rank: int | None = None


def row_for(key, weights, reviews, threshold):
    """reviews: a list of {criterion_id: score} of the counted reviews of one application."""
    totals = [expert_total(weights, scores) for scores in reviews]
    per_criterion = {}
    for criterion_id in weights:
        values = [Decimal(s[criterion_id]) for s in reviews if criterion_id in s]
        per_criterion[criterion_id] = (q(sum(values) / len(values)), q(median(values))) if values else (None, None)
    total = q(sum(totals) / len(totals)) if totals else None
    spread = q(max(totals) - min(totals)) if totals else None
    disagreement = len(totals) > 1 and spread > Decimal(threshold)
    return Row(key, totals, total, spread, per_criterion, disagreement)


def rank(rows):
    """Sort by total (highest first; unscored last) and number them; equal totals share a place."""
    ordered = sorted(rows, key=lambda r: (r.total is None, -(r.total or 0)))
    previous, place = None, 0
    for index, row in enumerate(ordered, start=1):
        if row.total is None:
            row.rank = None
            continue
        if row.total != previous:
            place, previous = index, row.total
        row.rank = place
    return ordered
