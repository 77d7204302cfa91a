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

    def _queryset(self, view):
        # DRF calls view.get_queryset() only to learn the model. Ours build
        # annotated querysets (figures, visibility) whose construction costs
        # more than the query of a detail request; the class attribute names
        # the same model.
        if getattr(view, "queryset", None) is not None:
            return view.queryset
        return super()._queryset(view)
