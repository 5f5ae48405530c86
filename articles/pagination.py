"""Pagination without COUNT(*): at 100,000 stories, counting the list costs more than showing it."""

from django.core.paginator import EmptyPage, InvalidPage, PageNotAnInteger

# Deep pages cost an OFFSET scan; readers go further back through the archives instead.
MAX_PAGE = 500


class LookaheadPage:
    def __init__(self, object_list, number, has_next):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


class LookaheadPaginator:
    """Reads one row past the page to learn whether another page follows; never counts."""

    num_pages = None  # unknown by design: "?page=last" is a 404

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True):
        self.object_list = object_list
        self.per_page = int(per_page)
        self.allow_empty_first_page = allow_empty_first_page

    def validate_number(self, number):
        if isinstance(number, bool) or not isinstance(number, int):
            raise PageNotAnInteger("That page number is not an integer.")
        if not 1 <= number <= MAX_PAGE:
            raise EmptyPage("That page does not exist.")
        return number

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        rows = list(self.object_list[offset : offset + self.per_page + 1])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage("That page contains no results.")
        return LookaheadPage(rows[: self.per_page], number, has_next=len(rows) > self.per_page)


__all__ = ["LookaheadPaginator", "InvalidPage"]
