from django.conf import settings

from .models import Section


def site(request):
    # A lazy queryset: evaluated once, only by templates that draw the navigation.
    return {"site_name": settings.SITE_NAME, "nav_sections": Section.objects.all()}
