"""The site's front door: what a browser finds outside the admin and the API."""

from django.shortcuts import redirect
from django.templatetags.static import static


def favicon(request):
    # Browsers ask for /favicon.ico on pages that name no icon (the API's);
    # the icon is a static file, so production serves it hashed and cached.
    return redirect(static("favicon.svg"))
