from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "apitokens"
    verbose_name = "API tokens"

    def ready(self) -> None:
        # Registers the OpenAPI security scheme of the token authentication.
        from apitokens import schema  # noqa: F401
