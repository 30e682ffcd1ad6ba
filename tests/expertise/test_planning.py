"""The automatic assignment as a pure function: the conflict rule holds for any pool."""

from hypothesis import given, settings
from hypothesis import strategies as st

from expertise.planning import Expert, Target, is_eligible, plan

INSTITUTIONS = st.integers(min_value=1, max_value=8)


@st.composite
def worlds(draw):
    experts = [
        Expert(
            id=index,
            affiliation_ids=frozenset(draw(st.sets(INSTITUTIONS, max_size=2))),
            conflict_ids=frozenset(draw(st.sets(INSTITUTIONS, max_size=2))),
            topics=tuple(draw(st.lists(st.sampled_from(["чтение", "дошкольное", "финансы"]), max_size=2))),
            cap=draw(st.integers(min_value=1, max_value=6)),
            load=draw(st.integers(min_value=0, max_value=3)),
        )
        for index in range(1, draw(st.integers(min_value=0, max_value=12)) + 1)
    ]
    ids = [e.id for e in experts]
    targets = [
        Target(
            id=100 + index,
            institution_id=draw(INSTITUTIONS),
            text=draw(st.sampled_from(["Смысловое чтение", "Дошкольное образование", "Инженерное мышление"])),
            active=draw(st.integers(min_value=0, max_value=2)),
            excluded=frozenset(draw(st.sets(st.sampled_from(ids), max_size=2)) if ids else ()),
        )
        for index in range(draw(st.integers(min_value=0, max_value=10)))
    ]
    return experts, targets, draw(st.integers(min_value=1, max_value=4))


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_the_plan_never_breaks_the_conflict_rule_nor_a_cap(world):
    experts, targets, per_application = world
    result = plan(experts, targets, per_application)
    by_expert = {e.id: e for e in experts}
    by_target = {t.id: t for t in targets}
    for target_id, expert_id in result:
        expert, target = by_expert[expert_id], by_target[target_id]
        assert target.institution_id not in expert.affiliation_ids, "an expert got their own institution"
        assert target.institution_id not in expert.conflict_ids, "an expert got a declared conflict"
        assert expert_id not in target.excluded
    assert len(result) == len(set(result)), "nobody is assigned twice to one application"
    for expert in experts:
        given_now = sum(1 for _t, e in result if e == expert.id)
        assert given_now == 0 or expert.load + given_now <= expert.cap, "a cap was exceeded"


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_each_application_gets_what_it_needs_unless_every_eligible_expert_is_full(world):
    experts, targets, per_application = world
    result = plan(experts, targets, per_application)
    load = {e.id: e.load + sum(1 for _t, x in result if x == e.id) for e in experts}
    for target in targets:
        got = {e for t, e in result if t == target.id}
        needed = max(0, per_application - target.active)
        assert len(got) <= needed
        if len(got) < needed:
            # Short only when every other eligible expert has reached their cap.
            for expert in experts:
                if is_eligible(expert, target) and expert.id not in got:
                    assert load[expert.id] >= expert.cap


@settings(max_examples=100, deadline=None)
@given(worlds())
def test_with_room_enough_each_application_gets_min_of_n_and_the_eligible(world):
    experts, targets, per_application = world
    roomy = [Expert(e.id, e.affiliation_ids, e.conflict_ids, e.topics, cap=1000, load=0) for e in experts]
    result = plan(roomy, targets, per_application)
    for target in targets:
        eligible = sum(1 for e in roomy if is_eligible(e, target))
        got = sum(1 for t, _e in result if t == target.id)
        assert got == min(max(0, per_application - target.active), eligible)


def test_topics_match_first_then_the_least_loaded():
    reader = Expert(1, topics=("чтение",), load=3)
    idle = Expert(2, load=0)
    busy = Expert(3, load=2)
    target = Target(10, institution_id=5, text="Смысловое чтение в основной школе")
    assert plan([busy, idle, reader], [target], 2) == [(10, 1), (10, 2)]


def test_the_load_is_balanced_across_applications():
    experts = [Expert(i) for i in (1, 2, 3)]
    targets = [Target(10 + i, institution_id=99) for i in range(3)]
    result = plan(experts, targets, 2)
    counts = sorted(sum(1 for _t, e in result if e == x.id) for x in experts)
    assert counts == [2, 2, 2]
