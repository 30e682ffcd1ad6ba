"""Demo collections (see `manage.py load_demo`): a Krasnoselsky collection in editing with
articles in every state, an earlier published one with its book built, and an open call of
«Вестник образования». Everything is found by natural keys, so running it again changes nothing.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.demo import DEMO_PASSWORD
from accounts.models import RoleAssignment, User
from accounts.services import grant_role

from . import services
from .models import Article, ArticleAuthor, ArticleEvent, BookBuild, Collection, EditorComment, Series

MSK = ZoneInfo("Europe/Moscow")
S = Article.State

REQUIREMENTS = """Для публикации в методическом сборнике необходимо подготовить текст статьи объёмом 4–7 страниц в соответствии со следующей структурой:
— введение (проблема в обучении, значимость её решения, существующие традиционные способы решения данной проблемы, идея нового способа решения проблемы);
— краткое описание хода опытно-практической работы;
— описание методических приёмов, находок, способов, решений;
— характеристика результатов инновационной деятельности;
— выводы (влияние предложенной практики на качество, возможность применения в других областях знаний, влияние на личностное развитие, перспективы).
Статью необходимо отправить до 15 апреля."""

# (topic, field of practice) — each article's text is written around them.
TOPICS = [
    ("смыслового чтения", "на уроках литературы и истории"),
    ("функциональной грамотности", "в основной школе"),
    ("исследовательской культуры", "у обучающихся 5–9 классов"),
    ("финансовой культуры", "у старших дошкольников"),
    ("цифровой образовательной среды", "в начальной школе"),
    ("психолого-педагогического сопровождения", "обучающихся с ОВЗ"),
    ("личностного самоопределения", "подростков в цифровом мире"),
    ("проектной деятельности", "в системе дополнительного образования"),
]

INTRODUCTION = [
    "Проблема формирования {topic} {field} относится к числу наиболее острых для современной школы. Результаты "
    "районных и городских мониторингов последних лет показывают, что значительная часть обучающихся испытывает "
    "затруднения при решении задач, требующих переноса знаний в новую ситуацию, работы с несколькими источниками "
    "информации и аргументации собственной позиции.",
    "Значимость решения этой проблемы определяется требованиями обновлённых федеральных государственных "
    "образовательных стандартов, в которых метапредметные и личностные результаты поставлены в один ряд с "
    "предметными. Без целенаправленной работы по развитию {topic} невозможно обеспечить достижение планируемых "
    "результатов освоения основной образовательной программы.",
    "Традиционные способы решения проблемы — дополнительные занятия, тренировочные упражнения по образцу, "
    "разбор типовых заданий — дают кратковременный эффект и, как правило, не формируют устойчивой мотивации. "
    "Педагоги отмечают, что после завершения тренировочного цикла результаты обучающихся возвращаются к исходному "
    "уровню, а интерес к деятельности снижается.",
    "Идея нового способа решения состоит в том, чтобы сделать развитие {topic} сквозной линией образовательного "
    "процесса: встроить специальные приёмы в уроки разных предметов, во внеурочную деятельность и в работу с "
    "родителями, объединив усилия педагогического коллектива вокруг общей модели и единых критериев оценки.",
]
COURSE = [
    "Опытно-практическая работа проводилась в течение двух учебных лет и включала три этапа: подготовительный "
    "(анализ затруднений обучающихся, изучение опыта коллег, разработка модели), основной (апробация модели в "
    "{n} классах, методическое сопровождение педагогов) и обобщающий (анализ результатов, подготовка методических "
    "продуктов, распространение опыта).",
    "На подготовительном этапе была создана творческая группа из учителей разных предметов, педагога-психолога и "
    "заместителя директора по опытно-экспериментальной работе. Группа провела стартовую диагностику, по итогам "
    "которой были выделены «дефицитные» умения и составлена карта их формирования по параллелям.",
    "Основной этап сопровождался регулярными методическими семинарами, взаимопосещением уроков и открытыми "
    "занятиями для педагогов района. Каждая четверть завершалась рефлексивной сессией творческой группы, на "
    "которой корректировались приёмы и материалы.",
]
METHODS = [
    "Ключевым приёмом стала «работа с текстом в три шага»: до чтения обучающиеся формулируют ожидания и вопросы, "
    "во время чтения фиксируют находки в таблице «знаю — узнал — хочу узнать», после чтения — создают собственный "
    "продукт: схему, аннотацию, аргументированный отзыв.",
    "Вторая находка — межпредметные кейсы, построенные на материале реальной жизни района: маршрут экскурсии по "
    "Красному Селу, бюджет школьного мероприятия, проект благоустройства пришкольного участка. Кейсы требуют "
    "использования знаний нескольких предметов и работы в группах с распределением ролей.",
    "Для оценки был разработан банк заданий с критериями, понятными обучающимся. Критериальное оценивание "
    "позволило перейти от контроля к самооценке: к концу года большинство учеников могли самостоятельно "
    "определить, какое умение у них сформировано, а над каким нужно работать.",
    "Важным решением стало вовлечение родителей: для них были проведены практикумы, на которых они выполняли те "
    "же задания, что и дети, и получали рекомендации для совместной работы дома.",
]
RESULTS = [
    "За период работы доля обучающихся, показавших высокий и повышенный уровень {topic} по итогам итоговой "
    "диагностики, выросла с {a} % до {b} %. Снизилась доля обучающихся с низким уровнем, особенно среди тех, кто "
    "на старте испытывал наибольшие затруднения.",
    "Педагогами разработаны методические продукты: сборник межпредметных кейсов, банк диагностических заданий с "
    "критериями оценивания, методические рекомендации для учителей. Материалы прошли экспертизу на районном "
    "методическом объединении и размещены на сайте образовательной организации.",
    "Опыт представлен на районной научно-практической конференции «Инновационные процессы в системе образования "
    "Красносельского района», на городском семинаре и в рамках деловой программы Петербургского международного "
    "образовательного форума.",
]
CONCLUSIONS = [
    "Предложенная практика положительно влияет на качество образования: обучающиеся увереннее работают с "
    "информацией, аргументируют свою позицию и переносят освоенные приёмы на материал других предметов. Модель "
    "может быть применена в любой образовательной организации и в других областях знаний; перспективой работы "
    "является её распространение через сетевое взаимодействие школ района и стажировочную площадку.",
    "Наблюдения педагогов и результаты анкетирования показывают и влияние практики на личностное развитие "
    "обучающихся: выросли учебная самостоятельность, интерес к чтению и готовность к сотрудничеству.",
]
REFERENCES = [
    "Федеральный государственный образовательный стандарт основного общего образования (утв. приказом "
    "Минпросвещения России от 31.05.2021 № 287).",
    "Ковалёва Г. С. Функциональная грамотность: задания и методика оценивания. — М.: Просвещение, 2021.",
    "Сметанникова Н. Н. Стратегиальный подход к обучению чтению. — М.: Школьная библиотека, 2005.",
]

AUTHORS = [
    ("Смирнова Ольга Александровна", "учитель русского языка и литературы"),
    ("Кузнецова Елена Петровна", "заместитель директора по УВР"),
    ("Лебедева Ирина Владимировна", "учитель истории"),
    ("Новикова Татьяна Юрьевна", "старший воспитатель"),
    ("Морозова Светлана Михайловна", "педагог-психолог"),
    ("Соколов Андрей Игоревич", "учитель информатики"),
    ("Попова Наталья Сергеевна", "педагог дополнительного образования"),
    ("Козлов Дмитрий Алексеевич", "учитель математики"),
]


def _html(paragraphs, repeat=1, **values):
    return "".join(f"<p>{p.format(**values)}</p>" for _ in range(repeat) for p in paragraphs)


def _body(index, long=True):
    topic, field = TOPICS[index % len(TOPICS)]
    values = {"topic": topic, "field": field, "n": 4 + index % 5, "a": 28 + index, "b": 47 + index * 2}
    repeat = 2 if long else 1
    return {
        "introduction": _html(INTRODUCTION, **values),
        "course_of_work": _html(COURSE, repeat=repeat, **values),
        "methods_and_findings": _html(METHODS, repeat=repeat, **values)
        + "<table><tbody><tr><th>Этап урока</th><th>Приём</th><th>Результат</th></tr>"
        "<tr><td>До чтения</td><td>Прогнозирование по заголовку</td><td>Вопросы к тексту</td></tr>"
        "<tr><td>Во время чтения</td><td>Таблица «знаю — узнал — хочу узнать»</td><td>Записи находок</td></tr>"
        "<tr><td>После чтения</td><td>Создание продукта</td><td>Схема, отзыв, аннотация</td></tr></tbody></table>",
        "results": _html(RESULTS, **values),
        "conclusions": _html(CONCLUSIONS, **values),
    }


def _coordinator(institution, number):
    email = f"author{number}@demo.local"
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": AUTHORS[number % len(AUTHORS)][0], "position": "заместитель директора"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    grant_role(user, RoleAssignment.Role.COORDINATOR, institution.district, institution)
    return user


def _article(collection, institution, user, index, title, state, *, at, long=True, editor=None, note=""):
    article, created = Article.objects.get_or_create(
        collection=collection,
        title=title,
        defaults={
            "institution": institution,
            "submitted_by": user,
            "abstract": f"В статье обобщён опыт {institution.short_name} по развитию {TOPICS[index % len(TOPICS)][0]} "
            f"{TOPICS[index % len(TOPICS)][1]}: описаны этапы работы, методические приёмы и полученные результаты.",
            "keywords": f"{TOPICS[index % len(TOPICS)][0]}, инновационная деятельность, методические приёмы",
            "references": "\n".join(REFERENCES),
            "state": state,
            "state_changed_at": at,
            "submitted_at": None if state == S.DRAFT else at,
            "accepted_at": at if state == S.ACCEPTED else None,
            "order": index,
            "created_at": at,
            **_body(index, long),
        },
    )
    if not created:
        return article
    for order, (name, position) in enumerate([AUTHORS[index % len(AUTHORS)], AUTHORS[(index + 3) % len(AUTHORS)]], 1):
        ArticleAuthor.objects.create(
            article=article, order=order, full_name=name, position=position, institution=institution
        )
    path = {
        S.DRAFT: [],
        S.SUBMITTED: [S.SUBMITTED],
        S.IN_REVIEW: [S.SUBMITTED, S.IN_REVIEW],
        S.REVISIONS_REQUESTED: [S.SUBMITTED, S.IN_REVIEW, S.REVISIONS_REQUESTED],
        S.RESUBMITTED: [S.SUBMITTED, S.IN_REVIEW, S.REVISIONS_REQUESTED, S.RESUBMITTED],
        S.ACCEPTED: [S.SUBMITTED, S.IN_REVIEW, S.ACCEPTED],
        S.REJECTED: [S.SUBMITTED, S.IN_REVIEW, S.REJECTED],
        S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
    }[state]
    previous = S.DRAFT
    for step in path:
        by = editor if step in {S.IN_REVIEW, S.REVISIONS_REQUESTED, S.ACCEPTED, S.REJECTED} else user
        ArticleEvent.objects.create(article=article, from_state=previous, to_state=step, by=by, at=at)
        previous = step
    if note and editor:
        EditorComment.objects.create(article=article, author=editor, text=note, created_at=at)
    services.estimate_length(article, limited=False)
    return article


def _series(district, name, kind):
    series, _ = Series.objects.get_or_create(district=district, name=name, defaults={"kind": kind})
    return series


def _collection(district, series, title, **fields):
    collection, _ = Collection.objects.get_or_create(district=district, series=series, title=title, defaults=fields)
    return collection


@transaction.atomic
def load(context):
    district = context["district"]
    by_name = context["institution_by_name"]
    editor = context["users"]["editor"]
    coordinator = context["users"]["coordinator"]
    coordinator2 = context["users"]["coordinator2"]
    lyceum, gymnasium = by_name["ГБОУ лицей № 590"], by_name["ГБОУ гимназия № 271"]

    processes = _series(district, "Инновационные процессы в системе образования Красносельского района", "collection")
    bulletin = _series(district, "Вестник образования", "bulletin")
    _series(district, "Передовые педагогические практики", "almanac")
    _series(district, "Сборник аннотированных отчётов инновационных площадок", "annotated_reports")

    board = "Главный редактор: Белова В. К., методист ИМЦ\nМодулина О. Б., методист ИМЦ\nГригорьева А. П., методист ИМЦ"
    current = _collection(
        district,
        processes,
        "Инновационные процессы в системе образования Красносельского района",
        year=2026,
        academic_year="2025/2026",
        requirements=REQUIREMENTS,
        deadline=datetime(2026, 4, 15, 23, 59, tzinfo=MSK),
        status=Collection.Status.EDITING,
        editorial_board=board,
        foreword="Сборник продолжает серию изданий ИМЦ Красносельского района, посвящённых инновационной "
        "деятельности образовательных организаций района.\nВ статьях педагоги делятся опытом, который прошёл "
        "апробацию и может быть использован коллегами.",
        udk="37.0",
        bbk="74.202",
    )
    current.editors.add(editor)
    others = [
        by_name[n] for n in ("ГБОУ школа № 375", "ГБДОУ детский сад № 26", "ГБОУ школа № 54", "ГБОУ гимназия № 293")
    ]
    authors = [_coordinator(inst, i) for i, inst in enumerate(others, start=1)]
    spring = datetime(2026, 4, 10, 12, 0, tzinfo=MSK)
    plan = [
        (lyceum, coordinator, "Лаборатория осмысленного чтения: от приёма к системе", S.ACCEPTED, ""),
        (gymnasium, coordinator2, "Межпредметные кейсы как средство формирования функциональной грамотности", S.ACCEPTED, ""),
        (others[0], authors[0], "Формирование культуры исследователя у обучающихся основной школы", S.ACCEPTED, ""),
        (others[1], authors[1], "Финансовая грамотность дошкольников: игровые технологии", S.SUBMITTED, ""),
        (others[2], authors[2], "Цифровая образовательная среда начальной школы", S.IN_REVIEW, ""),
        (lyceum, coordinator, "Ступени личностного самоопределения подростков", S.REVISIONS_REQUESTED,
         "Сократите введение и добавьте в раздел «Результаты» данные диагностики за второй год."),
        (others[3], authors[3], "Сопровождение обучающихся с ОВЗ: опыт команды гимназии", S.RESUBMITTED,
         "Уточните список литературы."),
        (gymnasium, coordinator2, "Проектная деятельность в дополнительном образовании", S.REJECTED,
         "Статья не соответствует требуемой структуре и объёму."),
        (others[0], authors[0], "Опыт сетевого взаимодействия школ района", S.WITHDRAWN, ""),
        (lyceum, coordinator, "Читательская грамотность и школьная библиотека", S.DRAFT, ""),
    ]  # fmt: skip
    for index, (institution, user, title, state, note) in enumerate(plan):
        _article(current, institution, user, index, title, state, at=spring, editor=editor, note=note)

    earlier = _collection(
        district,
        processes,
        "Инновационные процессы в системе образования Красносельского района. Выпуск 2025",
        year=2025,
        academic_year="2024/2025",
        requirements=REQUIREMENTS,
        deadline=datetime(2025, 4, 15, 23, 59, tzinfo=MSK),
        status=Collection.Status.ASSEMBLED,
        editorial_board=board,
        foreword="Сборник составлен по итогам районной научно-практической конференции 2025 года.",
        udk="37.0",
        bbk="74.202",
    )
    earlier.editors.add(editor)
    published_spring = datetime(2025, 4, 8, 12, 0, tzinfo=MSK)
    for index, (institution, user, title) in enumerate(
        [
            (lyceum, coordinator, "Технология развития критического мышления на уроках истории"),
            (gymnasium, coordinator2, "Формирующее оценивание в основной школе"),
            (others[1], authors[1], "Детский сад как пространство инженерного творчества"),
        ]
    ):
        _article(
            earlier, institution, user, index + 2, title, S.ACCEPTED, at=published_spring, long=False, editor=editor
        )
    if not earlier.builds.filter(state=BookBuild.State.DONE).exists():
        # Three short articles lay out in about two seconds: build the book right here.
        build = BookBuild.objects.create(collection=earlier, version=1, requested_by=editor)
        services.run_build(build.pk)
    earlier.refresh_from_db()
    if earlier.status != Collection.Status.PUBLISHED:
        services.change_collection_status(earlier, Collection.Status.PUBLISHED, by=editor)

    _collection(
        district,
        bulletin,
        "Вестник образования",
        year=2026,
        issue_number=12,
        academic_year="2026/2027",
        requirements="Статьи о работе инновационных площадок для декабрьского выпуска: 4–7 страниц, структура — "
        "введение, ход работы, методические находки, результаты, выводы.",
        deadline=datetime(2026, 12, 10, 18, 0, tzinfo=MSK),
        status=Collection.Status.CALL_OPEN,
    ).editors.add(editor)
    context["collections"] = {"current": current, "published": earlier}
