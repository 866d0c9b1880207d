from django.urls import path

from reference import validation_views, views

app_name = "reference"

urlpatterns = [
    path("", views.index, name="index"),
    path("conditions/<slug:slug>/", views.condition_detail, name="condition"),
    path("differential/", views.differential_page, name="differential"),
    path("findings/", views.findings_glossary, name="findings"),
    path("beliefs/", views.beliefs, name="beliefs"),
    path("sources/", views.sources, name="sources"),
    path("validation/", validation_views.validation, name="validation"),
    path("intended-use/", validation_views.intended_use, name="intended-use"),
]
