"""How a person's name reads: given name first, or family name first in CJK.

A name written in Chinese, Japanese or Korean characters reads family name
first, without a space (王军, 山田太郎, 김민준); any other name reads "Oliver
Grant". Search matches both orders, so "王军" and "Oliver Grant" both find.
"""

import re

from django.db.models import CharField, Value
from django.db.models.functions import Concat

# Han ideographs (with extensions A-F and compatibility ones), kana and hangul.
CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def is_cjk(text):
    """Written in CJK characters: some, and no Latin letter."""
    return bool(CJK.search(text)) and not LATIN.search(text)


def person_name(first_name, last_name):
    """A person's name as it is shown everywhere (admin, API, search, autocompletes)."""
    first, last = first_name.strip(), last_name.strip()
    if is_cjk(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def name_expressions(prefix=""):
    """The name in both orders, as database expressions searches look into.

    "first last" (Oliver Grant) and "lastfirst" (王军); `prefix` reaches the
    name through a relation ("contact__").
    """
    first, last = f"{prefix}first_name", f"{prefix}last_name"
    return [
        Concat(first, Value(" "), last, output_field=CharField()),
        Concat(last, first, output_field=CharField()),
    ]
