"""Times as readers see them: always with a zone anyone can read ("Beijing time, UTC+8"), never "CST"."""

from django.conf import settings
from django.utils import timezone


def utc_offset(moment):
    """``UTC+8``, ``UTC+5:30``, ``UTC−3`` (a real minus sign), ``UTC`` for zero."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_name(moment):
    """The zone of a local time as readers understand it: "Beijing time, UTC+8", or "UTC+2" alone."""
    label = settings.TIME_ZONE_LABEL
    return f"{label}, {utc_offset(moment)}" if label else utc_offset(moment)


def newsroom_time(value):
    """``20 November 2020, 13:11 (Beijing time, UTC+8)`` in the site's zone; '' for None."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y, %H:%M} ({zone_name(local)})"
