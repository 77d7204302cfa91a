"""Addresses of admin pages and what their responses show, for the admin tests."""

from django.urls import reverse


def _name(model, view):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"


def changelist_url(model):
    return reverse(_name(model, "changelist"))


def add_url(model):
    return reverse(_name(model, "add"))


def change_url(obj):
    return reverse(_name(type(obj), "change"), args=[obj.pk])


def delete_url(obj):
    return reverse(_name(type(obj), "delete"), args=[obj.pk])


def listed(response):
    """The objects a changelist response shows, in order."""
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def sorted_by(client, model, column, descending=False):
    """The objects of `model`'s changelist sorted on `column` (a list_display name)."""
    # The `o` parameter counts columns, checkbox included: ask the page.
    columns = client.get(changelist_url(model)).context["cl"].list_display
    index = columns.index(column)
    return listed(
        client.get(changelist_url(model), {"o": f"-{index}" if descending else index})
    )


def filter_choices(response, title):
    """The (display, selected) choices of the changelist filter titled `title`."""
    cl = response.context["cl"]
    for spec in cl.filter_specs:
        if spec.title == title:
            return [
                (choice["display"], choice["selected"]) for choice in spec.choices(cl)
            ]
    raise AssertionError(f"no filter titled {title!r}")


def management_form(prefix, total=0, initial=0):
    """The hidden fields an inline formset posts along with its rows."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
