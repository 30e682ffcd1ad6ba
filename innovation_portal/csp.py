"""The Content-Security-Policy: the header on each response, and the reports of violations.

The policy itself is settings.CONTENT_SECURITY_POLICY, sent by django-csp's middleware on
every response, with one exception: a PDF the browser shows itself (a certificate, the
registry, an application) gets only `frame-ancestors 'none'`. Chrome draws a PDF in a page of
its own with an <embed> and inline styles, which `object-src 'none'` and `style-src 'self'`
would block ("This content is blocked"); a PDF runs none of the portal's scripts, so the
page policy protects nothing there. Files served by innovation_portal.files.serve keep the
`sandbox` policy it sets.

Reports. Browsers POST a report whenever the policy (settings.CONTENT_SECURITY_POLICY) blocks
something: `report-uri` sends `application/csp-report` ({"csp-report": {...}}), the
Reporting API `application/reports+json` ([{"type": "csp-violation", "body": {...}}]).
Anyone can send one, signed in or not and without a CSRF token, so the endpoint takes only
small JSON bodies, a few reports at a time, and a limited number per client address; each
report is one WARNING line of the `innovation_portal.csp` logger with its fields shortened
and control characters removed, so a crafted report cannot forge log lines.
"""

import json
import logging

from csp.constants import NONE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .limits import too_often

logger = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024  # a real report is well under 2 KB
MAX_REPORTS = 10  # per request (the Reporting API sends batches)
FIELD_LENGTH = 300
PDF_POLICY = {"frame-ancestors": [NONE]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware (its documented extension point), with the PDF exception above."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and response.get("Content-Type", "").startswith("application/pdf"):
            parts.config = PDF_POLICY
        return parts


# The report-uri format's keys and the Reporting API's, for the same things.
FIELDS = {
    "document": ("document-uri", "documentURL"),
    "directive": ("effective-directive", "effectiveDirective", "violated-directive"),
    "blocked": ("blocked-uri", "blockedURL"),
    "source": ("source-file", "sourceFile"),
    "line": ("line-number", "lineNumber"),
    "sample": ("script-sample", "sample"),
    "disposition": ("disposition",),
}


def _clean(value):
    text = "" if value is None else str(value)
    text = "".join(char if char.isprintable() else " " for char in text)
    return text[:FIELD_LENGTH]


def _violations(payload):
    """The report bodies in either format; anything else is not a report."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):
        return [
            item["body"]
            for item in payload[:MAX_REPORTS]
            if isinstance(item, dict) and item.get("type") == "csp-violation" and isinstance(item.get("body"), dict)
        ]
    return []


def _field(report, name):
    for key in FIELDS[name]:
        if report.get(key) not in (None, ""):
            return _clean(report[key])
    return ""


@csrf_exempt  # browsers send reports without a token; nothing here changes data
@require_POST
def report(request):
    message = too_often(request, group="csp-report", key="ip", rate=settings.RATE_CSP_REPORTS)
    if message:
        return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        return HttpResponse(status=413)
    try:
        violations = _violations(json.loads(body))
    except (ValueError, UnicodeDecodeError):
        violations = []
    if not violations:
        return HttpResponseBadRequest("not a CSP report", content_type="text/plain")
    for violation in violations:
        logger.warning("CSP violation: %s", _describe({name: _field(violation, name) for name in FIELDS}))
    return HttpResponse(status=204)


def _describe(fields):
    text = f"{fields['directive'] or '?'} blocked {fields['blocked'] or '?'} on {fields['document'] or '?'}"
    if fields["source"]:
        text += f" at {fields['source']}:{fields['line'] or '?'}"
    if fields["sample"]:
        text += f", sample {fields['sample']!r}"
    if fields["disposition"] == "report":
        text += " (report only)"
    return text
