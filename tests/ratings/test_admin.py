from django.urls import reverse

from ratings.models import RatingCampaign
from tests.ratings.factories import CampaignFactory, IndicatorFactory


def test_methodist_copies_indicators_from_last_year_in_the_back_office(world, login):
    last = CampaignFactory(district=world.district, academic_year="2024/2025")
    IndicatorFactory(campaign=last, code="pmof", name="ПМОФ", points=2, cap=6)
    IndicatorFactory(campaign=last, code="experts", name="Эксперты", source="experts")
    now = CampaignFactory(district=world.district, academic_year="2025/2026", status=RatingCampaign.Status.DRAFT)
    client = login(world.users.methodist)
    response = client.post(
        reverse("admin:ratings_ratingcampaign_changelist"),
        {"action": "copy_from_previous", "_selected_action": [now.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert set(now.indicators.values_list("code", "source")) == {("pmof", ""), ("experts", "experts")}
    page = client.get(reverse("admin:ratings_ratingcampaign_change", args=[now.pk])).content.decode()
    assert "ПМОФ" in page and "Члены экспертного сообщества" in page  # the source offered by name


def test_the_back_office_lists_only_own_districts(world, login):
    mine = CampaignFactory(district=world.district)
    CampaignFactory(district=world.other_district)
    response = login(world.users.other_methodist).get(reverse("admin:ratings_ratingcampaign_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) != [mine] and mine not in response.context["cl"].queryset
