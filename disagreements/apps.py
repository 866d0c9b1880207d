from django.apps import AppConfig


class DisagreementsConfig(AppConfig):
    name = "disagreements"
    verbose_name = "Disagreements: the content review queue"
