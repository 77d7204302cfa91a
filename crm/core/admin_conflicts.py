"""The admin refuses to save over a change made since its form was opened.

A change form carries the version of the record it was opened on (see
crm.core.versions) in a hidden input (templates/admin/change_form.html). On
save the version is compared with the stored one under a row lock, inside the
admin's transaction: if someone else saved in between, the form comes back
with the user's input and an error, and nothing is saved.
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.versions import lock_record, record_version, version_of

OPENED_VERSION = "_opened_version"


def _when(moment):
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return _("at %(time)s") % {"time": f"{local:%H:%M}"}
    return _("on %(day)s at %(time)s") % {
        "day": f"{local.day} {local:%b %Y}",
        "time": f"{local:%H:%M}",
    }


FORM_ADVICE = _(
    "Your changes are below: reload the page to see theirs, then apply yours again."
)


def saved_since(instance, opened_version, advice=FORM_ADVICE):
    """Why `instance` may not be saved over, or None if it is still at `opened_version`.

    `advice` says what to do next, which depends on the page (a form, a board).
    """
    name = instance._meta.verbose_name
    try:
        stored_at = lock_record(instance)
    except ObjectDoesNotExist:
        return _("Someone else deleted this %(name)s since you opened it.") % {
            "name": name
        }
    if version_of(type(instance), instance.pk, stored_at) == opened_version:
        return None
    saved = _("Someone else saved this %(name)s %(when)s since you opened it.") % {
        "name": name,
        "when": _when(stored_at),
    }
    return f"{saved} {advice}"


class UnchangedSinceOpenedForm:
    """A change form that is invalid if the record was saved since it was opened."""

    def clean(self):
        cleaned_data = super().clean()
        opened_version = self.data.get(OPENED_VERSION)
        # Only a form that says which version it was opened on can be checked
        # (the admin's own always does).
        if opened_version and self.instance.pk is not None:
            problem = saved_since(self.instance, opened_version)
            if problem:
                raise ValidationError(problem, code="saved_since_opened")
        return cleaned_data


class EditConflictsMixin:
    """Change forms carry the version they were opened on and refuse stale saves."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:
            return form
        return type(form.__name__, (UnchangedSinceOpenedForm, form), {})

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if change and obj is not None:
            # Redisplayed after an error, the form keeps the version it was
            # opened on: saving it again must not overwrite the other change.
            context["opened_version"] = request.POST.get(
                OPENED_VERSION
            ) or record_version(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
