"""Numbered pages of at most 200 results, 50 by default."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    # Larger requests are capped rather than refused, as DRF does.
    max_page_size = 200
