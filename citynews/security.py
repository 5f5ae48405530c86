"""Admin login throttling glue for django-axes: who the client is, and what a locked-out client sees."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings

from .errors import render_standalone
from .logs import client_address


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses logins for locked-out (username, address) pairs.

    authenticate() without a request comes from code (the shell, the test client's login()), never
    from a login form, so there is no client to throttle and the next backend decides alone.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip_address(request):
    """The address that failed logins are counted against: the reader's, as the logs name it."""
    return client_address(request.META)


def lockout_response(request, original_response=None, credentials=None):
    """The same page for every locked-out login, whether or not the username exists."""
    cooloff_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render_standalone("login_locked.html", status=429, context={"cooloff_minutes": cooloff_minutes})
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
