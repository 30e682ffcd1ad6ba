"""The only HTML an article may carry: what the editor produces and a book can print.

Everything an author sends (typed in the rich-text editor, pasted from a browser,
converted from Word) goes through `clean_html` on save, so templates may print it with
`|safe`. No scripts, no event attributes, no inline styles (so no CSS expressions), links
only to http(s), images only as embedded raster data or from our own pages.
"""

import re

import nh3

TAGS = {
    "p", "br", "h3", "h4", "h5", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "a", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}
# Tags whose content is dropped together with the tag, not kept as text.
DROP_WITH_CONTENT = {"script", "style", "svg", "math", "iframe", "object", "embed", "noscript", "template", "title"}

# Raster images only: an SVG "image" can carry script.
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")
OWN_IMAGE_PREFIX = "/publications/"
HTTP_LINK = re.compile(r"^https?://", re.IGNORECASE)
NUMBER = re.compile(r"^\d{1,4}$")


def _filter(tag, attribute, value):
    if tag == "img" and attribute == "src":
        if DATA_IMAGE.match(value) or (value.startswith(OWN_IMAGE_PREFIX) and not value.startswith("//")):
            return value
        return None
    if tag == "a" and attribute == "href":
        return value if HTTP_LINK.match(value) else None
    if attribute in {"colspan", "rowspan", "width", "height", "start"}:
        return value if NUMBER.match(value) else None
    return value


def clean_html(html):
    """Sanitised HTML for an article's body; empty editor output becomes an empty string."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes={"http", "https", "data"},
        link_rel="noopener noreferrer",
    ).strip()
    return "" if is_blank(cleaned) else cleaned


def is_blank(html):
    """True for HTML without any text or image (an untouched editor gives «<p><br></p>»)."""
    if "<img" in html:
        return False
    return not re.sub(r"<[^>]+>|&nbsp;|\s", "", html or "")


def plain_text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).strip()
