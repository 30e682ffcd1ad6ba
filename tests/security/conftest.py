import pytest
from django.http import QueryDict


class Reads:
    """The names views ask request.GET and request.POST for (forms ask for each of their fields)."""

    names = set()


@pytest.fixture
def recorded_reads(monkeypatch):
    """Every name read from a QueryDict is noted in `Reads.names` (reset it before the request)."""

    def recording(method):
        def read(self, key, *args, **kwargs):
            Reads.names.add(key)
            return method(self, key, *args, **kwargs)

        return read

    for name in ("__getitem__", "get", "getlist", "__contains__"):
        monkeypatch.setattr(QueryDict, name, recording(getattr(QueryDict, name)))
    Reads.names = set()
    return Reads


@pytest.fixture
def quick_pdfs(monkeypatch):
    """PDFs are laid out as HTML but not typeset: what these tests look at is parameters and spreadsheets."""
    from innovation_portal import pdf

    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: b"%PDF-1.4\n%%EOF\n")
