"""manage.py token_create --user U --name N [--expires-days 90 | --no-expiry] [--rate R]"""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apitokens.services import token_issue

DEFAULT_DAYS = 90


class Command(BaseCommand):
    help = (
        "Issue an API token. The key is printed once, alone on standard output (so "
        "KEY=$(manage.py token_create ...) captures it); it cannot be shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="The username the token acts as.")
        parser.add_argument("--name", required=True, help="What uses it, e.g. 'Clinic EHR'.")
        parser.add_argument(
            "--expires-days",
            type=int,
            help=f"Days until it expires (default {DEFAULT_DAYS}).",
        )
        parser.add_argument("--no-expiry", action="store_true", help="Never expires.")
        parser.add_argument(
            "--rate",
            default="",
            help="Its own rate limit, e.g. 600/minute (default: none, "
            "THROTTLE_TOKEN_RATE applies).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["expires_days"]
        if options["no_expiry"] and days is not None:
            raise CommandError("Give --expires-days or --no-expiry, not both.")
        if days is not None and days < 1:
            raise CommandError("--expires-days must be 1 or more (or use --no-expiry).")
        expires_at = None
        if not options["no_expiry"]:
            expires_at = timezone.now() + datetime.timedelta(days=days or DEFAULT_DAYS)
        User = get_user_model()
        try:
            owner = User._default_manager.get_by_natural_key(options["user"])
        except User.DoesNotExist:
            raise CommandError(f"No user {options['user']!r}.") from None
        try:
            issued = token_issue(
                owner=owner, name=options["name"], expires_at=expires_at, rate=options["rate"]
            )
        except ValidationError as error:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            raise CommandError(problems) from None
        token = issued.token
        expiry = (
            f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC"
            if token.expires_at
            else ("never expires")
        )
        self.stderr.write(
            f"Token {token.name!r} for {owner.get_username()} (prefix {token.prefix}, "
            f"{expiry}). The key below is shown only now; copy it."
        )
        self.stdout.write(issued.key)
