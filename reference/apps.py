from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "reference"
    verbose_name = "Clinical reference"

    def ready(self) -> None:
        from reference import signals  # noqa: F401  (connects cache invalidation)
