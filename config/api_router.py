"""Every REST resource on one router, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from crm.core.api.views import ExchangeRateViewSet, SectorViewSet

router = DefaultRouter()
router.register("sectors", SectorViewSet, basename="sector")
router.register("exchange-rates", ExchangeRateViewSet, basename="exchange-rate")

urlpatterns = router.urls
