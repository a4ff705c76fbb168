"""Admin for Open311 clients: listed with a prefix of their key's hash, never the key (which Tellus never has)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_hash_prefix", "rate_limit_per_minute", "created_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    search_fields = ("name",)
    fields = ("name", "key_hash_prefix", "rate_limit_per_minute", "created_at", "revoked_at", "last_used_at")
    readonly_fields = ("name", "key_hash_prefix", "created_at", "revoked_at", "last_used_at")

    @admin.display(description="Key hash (first 12 hex digits)")
    def key_hash_prefix(self, obj: ApiClient) -> str:
        return obj.key_hash_prefix

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are made with `tellus open311-key create`, which shows the key once

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: requests and updates keep pointing at their client
