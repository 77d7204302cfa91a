"""The admin's delete confirmation pages, within the ethical walls.

Django's pages (one record, and the "delete selected" action) list every
record the deletion would remove and every record that protects it, with
their names and counts. Here records the user may not see are left out of
the lists and the counts; one line without a name or a number stands for
them (crm.core.dependants).
"""

from django.contrib.admin.utils import NestedObjects, quote
from django.core.exceptions import ValidationError
from django.db import router
from django.forms.formsets import DELETION_FIELD_NAME
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext_lazy as _

from crm.core.dependants import HIDDEN_RECORDS, HiddenRecords


def _pruned(nested, hidden_marker):
    """Django's nested list without the entries `hidden_marker` stands for (and their children)."""
    shown = []
    skip_children = False
    for item in nested:
        if isinstance(item, list):
            if not skip_children:
                shown.append(_pruned(item, hidden_marker))
            continue
        skip_children = item is hidden_marker
        if not skip_children:
            shown.append(item)
    return shown


def deletion_preview(objs, request, admin_site):
    """Django's `get_deleted_objects(objs, request, admin_site)`, within the walls."""
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)
    collected = [obj for rows in collector.model_objs.values() for obj in rows]
    hidden = HiddenRecords([*collected, *collector.protected], request.user)
    perms_needed = set()
    marker = object()

    def format_callback(obj):
        opts = obj._meta
        model_admin = admin_site._registry.get(obj.__class__)
        if model_admin and not model_admin.has_delete_permission(request, obj):
            perms_needed.add(HIDDEN_RECORDS if hidden.hides(obj) else opts.verbose_name)
        if hidden.hides(obj):
            return marker
        no_link = f"{capfirst(opts.verbose_name)}: {obj}"
        if model_admin is None:
            return no_link
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[quote(obj.pk)],
            )
        except NoReverseMatch:
            return no_link
        return format_html(
            '{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj
        )

    to_delete = _pruned(collector.nested(format_callback), marker)
    protected = [
        shown
        for shown in (format_callback(obj) for obj in collector.protected)
        if shown is not marker
    ]
    if any(hidden.hides(obj) for obj in collected):
        to_delete.append(capfirst(HIDDEN_RECORDS))
    if any(hidden.hides(obj) for obj in collector.protected):
        protected.append(capfirst(HIDDEN_RECORDS))
    model_count = {}
    for model, rows in collector.model_objs.items():
        if count := sum(not hidden.hides(obj) for obj in rows):
            model_count[model._meta.verbose_name_plural] = count
    return to_delete, model_count, perms_needed, protected


def walled_inline_form(form_class, user):
    """An inline's form whose refusal to delete a protected row names only what `user` may see.

    Django's inline form names every protected record ("person present ...",
    one per interaction, hidden ones included).
    """

    class WalledInlineForm(form_class):
        def hand_clean_DELETE(self):
            if (
                not self.cleaned_data.get(DELETION_FIELD_NAME)
                or self.instance._state.adding
            ):
                return
            collector = NestedObjects(using=router.db_for_write(self._meta.model))
            collector.collect([self.instance])
            if not collector.protected:
                return
            hidden = HiddenRecords(collector.protected, user)
            names = [
                f"{obj._meta.verbose_name} {obj}"
                for obj in collector.protected
                if not hidden.hides(obj)
            ]
            if len(names) < len(collector.protected):
                names.append(HIDDEN_RECORDS)
            raise ValidationError(
                _(
                    "Deleting %(class_name)s %(instance)s would require deleting the "
                    "following protected related objects: %(related_objects)s"
                ),
                code="deleting_protected",
                params={
                    "class_name": self._meta.model._meta.verbose_name,
                    "instance": self.instance,
                    "related_objects": get_text_list(sorted(names), "and"),
                },
            )

    return WalledInlineForm
