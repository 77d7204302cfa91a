"""Django model permissions on every request, reads included."""

from rest_framework import permissions


class ModelPermissions(permissions.DjangoModelPermissions):
    """view_* for reads, add/change/delete_* for writes.

    DRF's class lets any authenticated user read; an Analyst-style group model
    needs reads to be a permission too.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }
