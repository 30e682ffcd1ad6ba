"""PDF documents (WeasyPrint) in the portal's print layout with embedded Cyrillic fonts.

Templates extend `pdf/base.html`, which sets up A4 pages, page numbers and the vendored
Liberation fonts (metric-compatible with Times New Roman and Arial, as official documents
expect), so a PDF looks the same on any server whatever fonts it has installed.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "liberation"


def font_face_css():
    faces = []
    for family, prefix in (("Portal Serif", "LiberationSerif"), ("Portal Sans", "LiberationSans")):
        for style, weight, suffix in (
            ("normal", "normal", "Regular"),
            ("normal", "bold", "Bold"),
            ("italic", "normal", "Italic"),
            ("italic", "bold", "BoldItalic"),
        ):
            path = (FONT_DIR / f"{prefix}-{suffix}.ttf").as_uri()
            faces.append(
                f"@font-face {{ font-family: '{family}'; src: url('{path}'); font-style: {style}; font-weight: {weight}; }}"
            )
    return "\n".join(faces)


def render_html(template_name, context):
    return render_to_string(template_name, {"font_faces": font_face_css(), **context})


def safe_url_fetcher():
    """A WeasyPrint fetcher that loads only inline data and our own vendored fonts.

    Documents carry text that users wrote; without this a crafted link or image
    (`file:///etc/…`, `http://internal-host/`) would make the server read a local file into
    a PDF or call another machine while rendering.
    """
    from weasyprint.urls import URLFetcher

    fonts = FONT_DIR.as_uri() + "/"

    class SafeURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:") or url.startswith(fonts):
                return super().fetch(url, headers)
            raise ValueError(f"Refused to load {url[:80]!r} while rendering a PDF.")

    return SafeURLFetcher(allowed_protocols={"data", "file"})


def weasy_html(html):
    """A WeasyPrint document for `html` that can fetch nothing but data: URIs and our fonts."""
    from weasyprint import HTML  # heavy import, only where a PDF is made

    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=safe_url_fetcher())


def html_to_pdf(html):
    return weasy_html(html).write_pdf()


def render_pdf(template_name, context):
    """Render a template extending pdf/base.html to PDF bytes."""
    return html_to_pdf(render_html(template_name, context))


def measure_html(html):
    """{"pages": how many pages `html` lays out to, "length": the same to a fraction of the last page}.

    The fraction is how far down the last page's content area its lowest line, image or table
    reaches, so «5,2» means five full pages and a fifth of a sixth. JSON-able, to run in a
    limited child process (innovation_portal.safe_office.run_limited).
    """
    from weasyprint.formatting_structure import boxes

    pages = weasy_html(html).render().pages
    if not pages:
        return {"pages": 0, "length": 0.0}
    page_box = pages[-1]._page_box
    top, height = page_box.content_box_y(), page_box.height
    bottom = top
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):  # running heads and page numbers
            continue
        for box in child.descendants():
            if isinstance(box, (boxes.LineBox, boxes.ReplacedBox, boxes.TableBox)):
                bottom = max(bottom, box.position_y + box.margin_height())
    fraction = min(max((bottom - top) / height, 0.0), 1.0) if height else 1.0
    return {"pages": len(pages), "length": round(len(pages) - 1 + max(fraction, 0.1), 1)}
