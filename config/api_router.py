"""Every REST resource on one router, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter, SimpleRouter

from crm.core.api.query_params import StrictAPIRootView
from crm.core.api.views import ExchangeRateViewSet, SectorViewSet
from crm.integrations.api.views import ChangesView
from crm.integrations.api.webhooks import WebhookEndpointViewSet
from crm.investors.api.views import ContactViewSet, InvestorViewSet
from crm.notes.api.views import DealNoteViewSet, InteractionViewSet
from crm.portfolio.api.views import (
    CompanyViewSet,
    FundingRoundViewSet,
    StakeViewSet,
)

router = DefaultRouter()
router.APIRootView = StrictAPIRootView
router.register("sectors", SectorViewSet, basename="sector")
router.register("exchange-rates", ExchangeRateViewSet, basename="exchange-rate")
router.register("investors", InvestorViewSet, basename="investor")
router.register("contacts", ContactViewSet, basename="contact")
router.register("companies", CompanyViewSet, basename="company")
router.register("rounds", FundingRoundViewSet, basename="round")
router.register("stakes", StakeViewSet, basename="stake")
router.register("interactions", InteractionViewSet, basename="interaction")
router.register("notes", DealNoteViewSet, basename="note")

# Not CRM records (no history, ETags or walls): kept off the resources' router,
# which tests and the changes feed read as the list of CRM resources.
integrations = SimpleRouter()
integrations.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = [
    path("changes/", ChangesView.as_view(), name="changes"),
    *integrations.urls,
    *router.urls,
]
