"""A paginator for tables that grow without bound (patients, the audit trail).

Django's Paginator counts every matching row to number the pages; on 250,000 patients or a
million access-log rows that count reads the whole table on each page view. CappedPaginator
counts at most ``cap`` rows (in the list's own order, so an index serves the count too) and says
when there are more: the pager then reads "Page 3 of 40+" and the page asks for a narrower search.
"""

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        """Matching rows, up to ``cap``."""
        return self.object_list.values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """True when more rows match than were counted."""
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return -(-self.cap // self.per_page)
        return super().num_pages
