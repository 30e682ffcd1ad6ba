from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PortalLocaleMiddleware(LocaleMiddleware):
    """Russian for everyone unless the user chose another language in the footer.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show an
    English interface to a methodist whose computer happens to be set up in English. The
    portal's language is Russian; English is an explicit choice, kept in a cookie.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
