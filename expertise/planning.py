"""Automatic assignment of experts as a pure function over plain data (no database).

The rule that must never break: an expert is not given an application of an institution
they work at (any role) nor of one they declared a conflict of interest with. Within it,
each application gets up to N experts, experts whose topics match the application first,
the least loaded first, and nobody above their cap.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Expert:
    id: int
    affiliation_ids: frozenset = frozenset()
    conflict_ids: frozenset = frozenset()  # institutions the expert declared a conflict with
    topics: tuple = ()
    cap: int = 10
    load: int = 0  # active assignments already held in this call


@dataclass(frozen=True)
class Target:
    id: int
    institution_id: int
    text: str = ""  # theme, programme, call: where topics are looked for
    active: int = 0  # experts already reviewing it
    excluded: frozenset = field(default_factory=frozenset)  # experts already asked (incl. declined)


def is_eligible(expert, target):
    """The conflict rule: never the applicant's own people, never a declared conflict, never twice."""
    return (
        target.institution_id not in expert.affiliation_ids
        and target.institution_id not in expert.conflict_ids
        and expert.id not in target.excluded
    )


def matches(expert, target):
    text = target.text.lower()
    return any(topic and topic in text for topic in expert.topics)


def plan(experts, targets, per_application):
    """[(target_id, expert_id)] to create so that each target reaches `per_application` experts.

    Targets with the fewest eligible experts are served first, so a scarce expert is not used
    up elsewhere; among the eligible, topic matches come first, then the lowest load.
    """
    load = {e.id: e.load for e in experts}
    eligible = {t.id: [e for e in experts if is_eligible(e, t)] for t in targets}
    result = []
    for target in sorted(targets, key=lambda t: (len(eligible[t.id]), t.id)):
        needed = max(0, per_application - target.active)
        candidates = [e for e in eligible[target.id] if load[e.id] < e.cap]
        candidates.sort(key=lambda e: (not matches(e, target), load[e.id], e.id))
        for expert in candidates[:needed]:
            result.append((target.id, expert.id))
            load[expert.id] += 1
    return result
