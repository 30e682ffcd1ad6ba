from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class PublicThrottle(AnonRateThrottle):
    """RATE_API requests per client address, counted in the shared cache (a 429 beyond it).

    The rate is read from the settings at each request rather than from REST_FRAMEWORK at import,
    so it is one setting like the portal's other limits (RATE_EXPORTS, …).
    """

    scope = "api"

    def get_rate(self):
        return settings.RATE_API
