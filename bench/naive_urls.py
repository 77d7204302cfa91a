"""The app's URLs plus the naive API under /naive/api/v1/ (bench process only)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench import naive
from config.urls import handler404, handler500
from config.urls import urlpatterns as app_urlpatterns

router = SimpleRouter()
router.register("investors", naive.InvestorViewSet, basename="naive-investor")
router.register("stakes", naive.StakeViewSet, basename="naive-stake")
router.register("interactions", naive.InteractionViewSet, basename="naive-interaction")

urlpatterns = [*app_urlpatterns, path("naive/api/v1/", include(router.urls))]

__all__ = ["handler404", "handler500", "urlpatterns"]
