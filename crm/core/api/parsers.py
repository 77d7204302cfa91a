"""Request bodies: DRF's JSON parser, refusing JSON that no field could take."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Half of a UTF-16 surrogate pair: JSON can spell one alone ("\ud800").
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONParser(parsers.JSONParser):
    """DRF's parser; these bodies are a 400 "JSON parse error" too, not a 500.

    - Nesting deeper than Python's recursion limit: `json` raises
      RecursionError, where DRF only turns ValueError into a 400.
    - A lone surrogate in a string or key: valid JSON syntax, but not Unicode
      text. No UTF-8 encoder (the database driver, the error response quoting
      the value, the log) can write it.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
        if any(LONE_SURROGATE.search(text) for text in _strings(data)):
            raise ParseError(
                _(
                    "JSON parse error - a string holds a lone surrogate "
                    "(\\ud800-\\udfff), which is not Unicode text."
                )
            )
        return data


def _strings(data):
    """Every string in parsed JSON, keys included; a loop, as nesting is deep."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
