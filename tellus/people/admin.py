"""Admin for reference data only. People and source records are deliberately absent: every staff read of a
person goes through the console's audited selectors, and admin has no audit on its reads."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ImportRun, Property, SourceSystem


@admin.register(SourceSystem)
class SourceSystemAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "kind", "owning_team", "address_is_residence")
    list_filter = ("kind",)
    search_fields = ("name", "title", "owning_team")


@admin.register(Property)
class PropertyAdmin(admin.ModelAdmin):
    list_display = ("reference", "address_line_1", "locality", "postcode", "ward", "kind")
    list_filter = ("kind", "ward")
    search_fields = ("reference", "address_line_1", "postcode")
    list_per_page = 50


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("source_system", "file_name", "started_at", "status", "created", "updated", "unchanged", "rejected")
    list_filter = ("status", "source_system")
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
