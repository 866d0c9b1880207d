"""manage.py token_revoke PREFIX | --id N | --user U --all"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from apitokens.models import ApiToken
from apitokens.services import token_revoke


class Command(BaseCommand):
    help = "Revoke API tokens: one by its prefix or id, or all of a user's."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", nargs="?", help="The token's prefix, e.g. lt_AbC12dEf.")
        parser.add_argument("--id", type=int, help="The token's id (as in the admin).")
        parser.add_argument("--user", help="With --all: every token of this username.")
        parser.add_argument("--all", action="store_true", help="Every token of --user.")

    def handle(self, *args: Any, **options: Any) -> None:
        tokens = self.selected(options)
        if not tokens.exists():
            raise CommandError("No such token.")
        if not options["all"] and tokens.count() > 1:
            ids = ", ".join(str(t.pk) for t in tokens)
            raise CommandError(f"Several tokens have that prefix (ids {ids}); use --id.")
        for token in tokens:
            done = token_revoke(token=token)
            state = "revoked" if done else "was revoked already"
            self.stdout.write(f"{token.prefix} ({token.name}, {token.owner}): {state}")

    def selected(self, options: dict[str, Any]) -> QuerySet[ApiToken]:
        given = [options["prefix"] is not None, options["id"] is not None, options["all"]]
        if sum(given) != 1:
            raise CommandError("Give one of: a prefix, --id, or --user with --all.")
        tokens = ApiToken.objects.select_related("owner")
        if options["all"]:
            if not options["user"]:
                raise CommandError("--all needs --user.")
            return tokens.filter(owner__username=options["user"])
        if options["id"] is not None:
            return tokens.filter(pk=options["id"])
        return tokens.filter(prefix=options["prefix"])
