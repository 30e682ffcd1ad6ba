import pytest

from publications.sanitize import clean_html

# Each of these must come out unable to run script, whatever is left of it.
XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<p onclick="alert(1)">текст</p>',
    '<img src="data:image/png;base64,iVBORw0KGgo=" onerror="alert(1)">',
    '<a href="javascript:alert(1)">ссылка</a>',
    '<a href="JaVaScRiPt:alert(1)">ссылка</a>',
    '<a href="  javascript:alert(1)">ссылка</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">ссылка</a>',
    '<a href="vbscript:msgbox(1)">ссылка</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="javascript:alert(1)">',
    '<img src="https://evil.example/track.png">',
    '<p style="width: expression(alert(1))">текст</p>',
    '<p style="background:url(javascript:alert(1))">текст</p>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="https://evil.example"><input name="x"><button formaction="javascript:alert(1)">x</button></form>',
    '<div><a href="#" onmouseover="alert(1)">x</a></div>',
    "<body onload=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<td background="javascript:alert(1)">',
]


@pytest.mark.parametrize("html", XSS)
def test_malicious_html_comes_out_harmless(html):
    cleaned = clean_html(html).lower()
    for dangerous in ("<script", "javascript:", "vbscript:", "onerror", "onload", "onclick", "onmouseover",
                      "<svg", "<iframe", "<object", "<embed", "<style", "style=", "expression(", "<form",
                      "<input", "<meta", "<base", "data:text", "svg+xml", "evil.example"):  # fmt: skip
        assert dangerous not in cleaned, (html, cleaned)


def test_the_formatting_an_article_needs_is_kept():
    html = (
        "<h3>Этап 1</h3><p><strong>Жирный</strong>, <em>курсив</em>, <u>подчёркнутый</u>, H<sub>2</sub>O, "
        'x<sup>2</sup></p><ol><li>один</li></ol><ul><li>два</li></ul><table><tbody><tr><td colspan="2">ячейка</td>'
        '</tr></tbody></table><p><a href="https://imc.example.ru/page">сайт</a></p>'
        '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="схема"></p>'
    )
    cleaned = clean_html(html)
    for kept in ("<h3>", "<strong>", "<em>", "<u>", "<sub>", "<sup>", "<ol>", "<ul>", 'colspan="2"',
                 'href="https://imc.example.ru/page"', 'src="data:image/png;base64,iVBORw0KGgo="'):  # fmt: skip
        assert kept in cleaned


def test_an_untouched_editor_is_saved_as_empty():
    assert clean_html("<p><br></p>") == ""
    assert clean_html("<p> &nbsp; </p>") == ""


def test_the_back_office_sanitises_article_text_too(world):
    from publications.admin import ArticleAdminForm
    from publications.models.article import BODY_FIELDS
    from tests.publications.factories import article_for

    article = article_for(world)
    form = ArticleAdminForm(instance=article)
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: ("" if v is None else v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data[BODY_FIELDS[0]] = '<p>Введение</p><img src=x onerror="alert(document.cookie)"><script>alert(1)</script>'
    form = ArticleAdminForm(data, instance=article)
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data[BODY_FIELDS[0]]
    assert "onerror" not in cleaned and "<script" not in cleaned and "Введение" in cleaned
