"""Every item gets its occurrences; its single execution mark becomes the mark of one of them.

The mark goes to the occurrence whose window holds the date it was held on / moved to, else to
the last one that started before that date, else to the first (the only one of an item whose
timeframe is not understood, or a cancellation without a date). Its history goes with it.
"""

from datetime import date, timedelta

from django.db import migrations

from plans.timeframes import occurrence_slots, parse_timeframe

MARKED = {"held", "moved", "cancelled"}


def _target(occurrences, day):
    if day is None:
        return occurrences[0]
    dated = [o for o in occurrences if o.first_day is not None]
    for occurrence in dated:
        if occurrence.first_day <= day <= occurrence.last_day:
            return occurrence
    before = [o for o in dated if o.first_day <= day]
    return before[-1] if before else occurrences[0]


def _months(first, last):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def forwards(apps, schema_editor):
    PlanItem = apps.get_model("plans", "PlanItem")
    Occurrence = apps.get_model("plans", "PlanItemOccurrence")
    Change = apps.get_model("plans", "PlanItemExecutionChange")
    Month = apps.get_model("plans", "PlanItemMonth")
    for item in PlanItem.objects.select_related("plan").iterator(chunk_size=500):
        timeframe = parse_timeframe(item.timeframe_text, item.plan.period_start, item.plan.period_end)
        item.spans = [[first.isoformat(), last.isoformat()] for first, last in timeframe.spans]
        item.save(update_fields=["spans"])
        slots = occurrence_slots(
            timeframe.understood, timeframe.kind, timeframe.spans, timeframe.months, timeframe.recurrence
        )
        occurrences = Occurrence.objects.bulk_create(
            [Occurrence(item=item, key=s.key, first_day=s.first, last_day=s.last, exact=s.exact) for s in slots]
        )
        if item.execution not in MARKED:
            continue
        target = _target(occurrences, item.executed_on)
        last_change = Change.objects.filter(item=item).order_by("-at", "-pk").first()
        target.execution = item.execution
        target.executed_on = item.executed_on
        target.report = item.execution_report
        target.state_changed_at = item.state_changed_at
        target.marked_by_id = last_change.by_id if last_change else None
        target.save()
        Change.objects.filter(item=item).update(occurrence=target)
        if item.execution == "moved" and item.executed_on:
            # A moved event is shown at its new date only: its months follow the occurrences.
            months = set()
            for occurrence in occurrences:
                if occurrence is target:
                    months.add(item.executed_on.replace(day=1))
                elif occurrence.first_day is not None:
                    months.update(_months(occurrence.first_day, occurrence.last_day))
            Month.objects.filter(item=item).delete()
            Month.objects.bulk_create([Month(item=item, month=m) for m in sorted(months)])


def backwards(apps, schema_editor):
    PlanItem = apps.get_model("plans", "PlanItem")
    Occurrence = apps.get_model("plans", "PlanItemOccurrence")
    for occurrence in Occurrence.objects.exclude(execution="planned").order_by("item_id", "-state_changed_at"):
        PlanItem.objects.filter(pk=occurrence.item_id, execution="planned").update(
            execution=occurrence.execution,
            executed_on=occurrence.executed_on,
            execution_report=occurrence.report,
            state_changed_at=occurrence.state_changed_at,
        )
    Occurrence.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_occurrences")]

    operations = [migrations.RunPython(forwards, backwards)]
