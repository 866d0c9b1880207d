import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".demo-login"


class Command(BaseCommand):
    help = "Create a local demo clinician if there is no user yet, and print how to sign in."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--address", default="127.0.0.1:8000", help="Where the app is served.")

    def handle(self, *args: Any, address: str = "127.0.0.1:8000", **options: Any) -> None:
        User = get_user_model()
        if not User.objects.exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser("demo", email="", password=password)
            CREDENTIALS_FILE.write_text(f"demo {password}\n")
            CREDENTIALS_FILE.chmod(0o600)
        if CREDENTIALS_FILE.exists() and User.objects.filter(username="demo").exists():
            username, password = CREDENTIALS_FILE.read_text().split()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Sign in at http://{address}/accounts/login/ as '{username}' "
                    f"with password '{password}' (local demo account; saved in "
                    f"{CREDENTIALS_FILE.name})."
                )
            )
        else:
            self.stdout.write("Users exist already; sign in with your own account.")
