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


class FragmentDimension(models.Model):
    """A version for a family of rows that many rendered fragments show (citynews.fragments).

    "awards" covers cities, award programmes, editions, categories, organisations, recognitions,
    rankings and their entries: a story's facts box, a city page, a ranking's table and the front
    page's panel show them. On PostgreSQL a statement-level trigger on each of those tables adds one
    to the row in the same statement as the change, so saves, bulk updates, imports and raw SQL all
    move it. Only editors of those rows wait on it; saving a story never does (a story's own version
    is its row's ``xmin``).
    """

    name = models.CharField(max_length=20, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "citynews_fragment_dimension"

    def __str__(self):
        return f"{self.name} {self.version}"
