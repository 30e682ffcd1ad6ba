"""The snippet a site copies to embed a widget: ``{% widget_snippet "public:widget_registry" district=d %}``."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("public/_snippet.html", takes_context=True)
def widget_snippet(context, url_name, *args, district=None, title="", height=420):
    """An <iframe> pointing at the widget, with the portal's own address (as the visitor reached it)."""
    url = context["request"].build_absolute_uri(reverse(url_name, args=args))
    if district:
        url += "?" + urlencode({"district": district.slug})
    return {"url": url, "title": title, "height": height}
