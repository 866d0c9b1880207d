from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache

from reference.loading import reference_load

CONTRACT = Path(__file__).parent / "contract" / "vocabulary.yaml"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the real reference content once into the test database."""
    with django_db_blocker.unblock():
        reference_load(directory=settings.REFERENCE_FIXTURES_DIR)


@pytest.fixture(scope="session")
def vocabulary() -> dict[str, Any]:
    """The shared contract: condition and finding slugs the project must ship."""
    with CONTRACT.open() as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Production uses WhiteNoise's manifest (after collectstatic); tests serve files as-is."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _relaxed_throttle(settings: Any) -> None:
    """Hypothesis sends hundreds of anonymous requests per test; throttling has its own test."""
    settings.THROTTLE_ANON_RATE = "1000000/minute"
    settings.THROTTLE_TOKEN_RATE = "1000000/minute"
