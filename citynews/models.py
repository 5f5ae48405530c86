"""The site-wide state that must outlive the cache: the content generation the page cache is checked against."""

from django.db import models


class ContentGeneration(models.Model):
    """One row: when readers' content last changed (nanoseconds since the epoch).

    The shared cache keeps a copy for speed; this row is the truth, so that a change saved while the
    cache server was down still retires the pages cached before it, once the server is back.
    """

    value = models.BigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="content_generation_single_row")]

    def __str__(self):
        return str(self.value)
