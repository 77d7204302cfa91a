"""Other names a record goes by (a company's "Face++", an investor's name before a merge)."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class UnicodeJSONEncoder(json.JSONEncoder):
    """Stores non-ASCII text as is, so "商汤" in an alias stays searchable.

    Django's default escapes it to \\uXXXX, which SQLite then compares as text.
    """

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


def validate_aliases(value):
    if not isinstance(value, list) or not all(
        isinstance(alias, str) and alias.strip() for alias in value
    ):
        raise ValidationError(
            _("Give the other names as a list of non-empty strings."),
            code="invalid_aliases",
        )


class AliasesField(forms.CharField):
    """The other names in a form, one per line, stored as a JSON list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]
