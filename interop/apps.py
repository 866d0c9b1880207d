from django.apps import AppConfig


class InteropConfig(AppConfig):
    """Standards-based integration: FHIR R4 documents and the findings Questionnaire."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "interop"
