from django.urls import re_path

from interop import cds_views

# With or without a trailing slash: CDS clients build these URLs without one, and a
# redirect on a POST breaks them (standards RULES.md B1).
urlpatterns = [
    re_path(r"^cds-services/?$", cds_views.DiscoveryView.as_view(), name="cds-discovery"),
    re_path(
        r"^cds-services/(?P<service_id>[^/]{1,200})/?$",
        cds_views.ServiceView.as_view(),
        name="cds-service",
    ),
    re_path(
        r"^cds-services/(?P<service_id>[^/]{1,200})/feedback/?$",
        cds_views.FeedbackView.as_view(),
        name="cds-feedback",
    ),
]
