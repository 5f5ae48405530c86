"""Admin login throttling glue for django-axes: who the client is, and what a locked-out client sees."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings

from .errors import render_standalone


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
    """The address that failed logins are counted against.

    Behind deploy/nginx.conf every request comes from the proxy; nginx appends the real client's
    address as the last X-Forwarded-For entry (earlier entries are whatever the client sent).
    """
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The same page for every locked-out login, whether or not the username exists."""
    cooloff_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render_standalone("login_locked.html", status=429, context={"cooloff_minutes": cooloff_minutes})
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
