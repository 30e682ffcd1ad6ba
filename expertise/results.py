"""The arithmetic of the results, as pure functions over plain numbers.

An expert's total is Σ weight × score over the call's criteria (an unscored optional
criterion counts 0); an application's total is the mean or the median of its experts'
totals, as the call says; the spread is the distance between the highest and the lowest
expert total, and experts disagree when it exceeds the call's threshold. The standard
deviation is the sample one (n − 1, Excel's СТАНДОТКЛОН), so it needs two reviews.

An application is *complete* when every expert still asked has handed in a review; one in
expertise that is not complete waits apart, unranked, until it is or the methodist closes
the expertise, when every application is ranked on the reviews it has.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median, stdev

TWO_PLACES = Decimal("0.01")
MEAN, MEDIAN = "mean", "median"


def q(value):
    return None if value is None else Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def expert_total(weights, scores):
    """weights {criterion_id: Decimal}, scores {criterion_id: int} → Σ weight × score."""
    return sum((Decimal(weights[c]) * Decimal(scores.get(c, 0)) for c in weights), Decimal(0))


def combine(totals, aggregation=MEAN):
    if not totals:
        return None
    return q(median(totals)) if aggregation == MEDIAN else q(sum(totals) / len(totals))


@dataclass
class Row:
    key: object
    totals: list  # one per counted review
    total: Decimal | None
    spread: Decimal | None
    per_criterion: dict  # criterion_id → (mean, median)
    disagreement: bool
    rank: int | None = None
    std: Decimal | None = None
    expected: int = 0  # reviews owed: the experts asked (not declined) or already counted
    waiting: bool | None = None  # still waiting for reviews (None: whenever not complete)

    @property
    def counted(self):
        return len(self.totals)

    @property
    def complete(self):
        return self.counted > 0 and self.counted >= self.expected


def row_for(key, weights, reviews, threshold, aggregation=MEAN, expected=None):
    """reviews: a list of {criterion_id: score} of the counted reviews of one application.

    `expected`: how many reviews the application is waiting for in all (default: those given).
    """
    totals = [expert_total(weights, scores) for scores in reviews]
    per_criterion = {}
    for criterion_id in weights:
        values = [Decimal(s[criterion_id]) for s in reviews if criterion_id in s]
        per_criterion[criterion_id] = (q(sum(values) / len(values)), q(median(values))) if values else (None, None)
    spread = q(max(totals) - min(totals)) if totals else None
    disagreement = len(totals) > 1 and spread > Decimal(threshold)
    row = Row(key, totals, combine(totals, aggregation), spread, per_criterion, disagreement)
    row.std = q(stdev(totals)) if len(totals) > 1 else None
    row.expected = len(totals) if expected is None else max(expected, len(totals))
    return row


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


def is_waiting(row):
    return (not row.complete) if row.waiting is None else row.waiting


def split(rows, closed=False):
    """(ranked, apart): rows still waiting for reviews apart (by how far they are), the rest
    ranked (unscored ones last, without a place); once closed, nothing waits."""
    ranked = [r for r in rows if closed or not is_waiting(r)]
    keys = {id(r) for r in ranked}
    apart = sorted((r for r in rows if id(r) not in keys), key=lambda r: (-r.counted, -(r.total or 0)))
    for row in apart:
        row.rank = None
    return rank(ranked), apart
