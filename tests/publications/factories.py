from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from publications.models import Article, ArticleAuthor, Collection, Series
from tests.factories import DistrictFactory, InstitutionFactory, UserFactory

PARAGRAPH = (
    "Проблема формирования читательской грамотности обучающихся остаётся одной из ключевых для школы: "
    "результаты мониторингов показывают, что значительная часть учеников испытывает трудности с поиском, "
    "интерпретацией и оценкой информации в тексте. Традиционные способы решения — дополнительные занятия "
    "и тренировочные упражнения — дают кратковременный эффект и не формируют устойчивой мотивации к чтению."
)


def paragraphs(count):
    return "".join(f"<p>{PARAGRAPH}</p>" for _ in range(count))


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Инновационные процессы в системе образования, серия {n}")
    kind = Series.Kind.COLLECTION


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection

    district = factory.SubFactory(DistrictFactory)
    series = factory.SubFactory(SeriesFactory, district=factory.SelfAttribute("..district"))
    title = factory.Sequence(lambda n: f"Инновационные процессы в системе образования района {n}")
    year = 2027
    academic_year = "2026/2027"
    requirements = "Статья объёмом 4–7 страниц: введение, ход работы, методы, результаты, выводы."
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    collection = factory.SubFactory(CollectionFactory)
    institution = factory.SubFactory(InstitutionFactory, district=factory.SelfAttribute("..collection.district"))
    submitted_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Опыт внедрения проектной технологии № {n}")
    abstract = "В статье описан опыт работы инновационной площадки."
    keywords = "проектная деятельность, читательская грамотность"
    introduction = factory.LazyFunction(lambda: paragraphs(2))
    course_of_work = factory.LazyFunction(lambda: paragraphs(2))
    methods_and_findings = factory.LazyFunction(lambda: paragraphs(2))
    results = factory.LazyFunction(lambda: paragraphs(2))
    conclusions = factory.LazyFunction(lambda: paragraphs(1))
    # Measured and within the call's 4–7 pages unless a test says otherwise (laying out every
    # factory article would cost seconds each); tests of the length rule measure for real.
    estimated_pages = 5
    page_length = Decimal("5.0")
    length_version = 0

    @factory.post_generation
    def with_author(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            ArticleAuthor.objects.create(
                article=obj,
                order=1,
                full_name="Смирнова Ольга Александровна",
                position="учитель русского языка",
                institution=obj.institution,
            )


def collection_for(world, **kwargs):
    return CollectionFactory(district=world.district, **kwargs)


def article_for(world, collection=None, **kwargs):
    kwargs.setdefault("submitted_by", world.users.coordinator)
    return ArticleFactory(collection=collection or collection_for(world), institution=world.institution, **kwargs)
