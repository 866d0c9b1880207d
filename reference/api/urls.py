from django.urls import include, path
from rest_framework.routers import DefaultRouter

from reference.api import views
from reference.api.differential import DifferentialView
from reference.api.health import HealthView
from reference.api.validation import ValidationView

router = DefaultRouter(trailing_slash=True)
router.register("conditions", views.ConditionViewSet, basename="condition")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("sources", views.SourceViewSet, basename="source")
router.register("beliefs", views.BeliefViewSet, basename="belief")
router.register("workup-items", views.WorkupItemViewSet, basename="workup-item")

urlpatterns = [
    path("differential/", DifferentialView.as_view(), name="differential"),
    path("health/", HealthView.as_view(), name="health"),
    path("validation/", ValidationView.as_view(), name="validation"),
    path("", include(router.urls)),
]
