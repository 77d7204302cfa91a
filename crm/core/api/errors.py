"""Error pages: JSON under /api/, Django's HTML pages elsewhere."""

from django.views import defaults

from crm.core.api.problems import problem_response

API_PREFIX = "/api/"


def not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return problem_response(404, "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return problem_response(500, "Server error.")
    return defaults.server_error(request)
