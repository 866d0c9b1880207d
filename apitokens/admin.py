"""API tokens in the admin: issue (the key shown once, on the page after saving), list,
revoke. The key is never stored, so no later page can show it."""

import datetime
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from apitokens.models import ApiToken
from apitokens.services import token_key_assign, token_revoke

DEFAULT_LIFETIME = datetime.timedelta(days=90)
# Where save_model leaves the new key for response_add, on the request of that one POST.
ISSUED_KEY = "_apitokens_issued_key"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "prefix", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["name", "prefix", "owner__username"]
    list_select_related = ["owner"]
    actions = ["revoke_tokens"]
    raw_id_fields = ["owner"]

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ["name", "owner", "expires_at", "rate"]
        return [
            "name",
            "owner",
            "prefix",
            "expires_at",
            "rate",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return []
        return ["owner", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = {"expires_at": timezone.now() + DEFAULT_LIFETIME}
        return initial | super().get_changeform_initial_data(request)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if not change:
            setattr(request, ISSUED_KEY, token_key_assign(token=obj))
        super().save_model(request, obj, form, change)

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The one page that shows the key: rendered in answer to the POST, not stored."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "API token issued",
            "token": obj,
            "key": getattr(request, ISSUED_KEY),
        }
        response = TemplateResponse(request, "admin/apitokens/apitoken/issued.html", context)
        add_never_cache_headers(response)
        return response

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = sum(token_revoke(token=token) for token in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)
