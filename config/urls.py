from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from crm.core import views
from crm.core.api import errors
from crm.search.admin_views import search_view
from crm.search.api.views import SearchView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The header's language switch posts to set_language here.
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own URLs, which would take "search/" for an app.
    path("admin/search/", admin.site.admin_view(search_view), name="admin_search"),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("api/v1/search/", SearchView.as_view(), name="api-search"),
    path("api/v1/", include("config.api_router")),
]

handler404 = errors.not_found
handler500 = errors.server_error
