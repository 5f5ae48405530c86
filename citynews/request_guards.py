"""Requests refused before any view runs, because no honest client sends them."""

from django.core.exceptions import BadRequest


class RejectNulInAddressMiddleware:
    """A NUL byte never belongs in a path or query string: 400.

    PostgreSQL cannot store or compare text containing NUL, so one reaching a lookup (a slug, an
    admin filter) would end as a server error; refusing it here keeps every current and future
    view safe. NUL in submitted form fields is left to the forms, which report it as a field error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if "\x00" in request.path_info or any("\x00" in k or "\x00" in "".join(query.getlist(k)) for k in query):
            raise BadRequest("The address contains a NUL byte.")
        return self.get_response(request)
