from django.contrib import admin

from .models import EventRule


@admin.register(EventRule)
class EventRuleAdmin(admin.ModelAdmin):
    """The council edits which services each kind of change concerns, and why."""

    list_display = ("event_type", "subscriber", "always", "reason")
    list_filter = ("event_type", "always")
