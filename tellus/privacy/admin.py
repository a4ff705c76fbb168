"""Staff accounts in Django admin, under the separation-of-duties rules of tellus.privacy.staff.

Superuser status and direct permissions are not on any form: roles are the only way to give permissions.
Roles are changed through the service (not the form's own save), so adding a role to one's own account is
refused and the privacy officer and administrator roles wait for a second person's approval. Role groups are
read-only here: their permissions come from tellus/privacy/roles.py.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import staff
from .models import User


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "team", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups", "team")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "team")}),
        (
            _("Roles and access"),
            {
                "fields": ("is_active", "is_staff", "groups", "is_superuser"),
                "description": _(
                    "Roles are the only way to give permissions. You cannot add a role to your own account, and "
                    "the privacy officer and administrator roles wait for a second privacy officer or "
                    "administrator to approve them. Every change is written to the audit log."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("is_superuser", "last_login", "date_joined")
    filter_horizontal = ("groups",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not staff.staff_account_may_change(actor=request.user, user=obj):  # type: ignore[arg-type]
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class StaffAccountForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                if self.instance.pk and "groups" in cleaned:
                    try:
                        staff.staff_roles_check(
                            actor=actor,  # type: ignore[arg-type]
                            user=self.instance,
                            wanted=[group.name for group in cleaned["groups"]],
                        )
                    except staff.StaffAccountRefused as refusal:
                        self.add_error("groups", str(refusal))
                return cleaned

        return StaffAccountForm

    def save_model(self, request: HttpRequest, obj: User, form: forms.Form, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        before = User.objects.get(pk=obj.pk) if change else None
        staff.staff_fields_check(actor=actor, before=before, after=obj)
        super().save_model(request, obj, form, change)
        if before is None:
            staff.staff_account_created(actor=actor, user=obj)
        else:
            staff.staff_account_changed(actor=actor, before=before, after=obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Roles go through the service, never straight from the form.
        wanted = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if wanted is None:
            return
        grants = staff.staff_roles_set(
            actor=request.user,  # type: ignore[arg-type]
            user=form.instance,
            wanted=[group.name for group in wanted],
        )
        for grant in grants:
            messages.warning(
                request,
                format_html(
                    "The {} role for {} waits for a second privacy officer or administrator to approve it "
                    '(<a href="{}">requests waiting</a>).',
                    grant.role.name,
                    grant.user.get_username(),
                    reverse("console:staff_requests"),
                ),
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, id)
                if user is not None:
                    staff.staff_password_changed(actor=request.user, user=user)  # type: ignore[arg-type]
        return response


def admin_password_change(request: HttpRequest) -> HttpResponse:
    """Admin's own "change my password" page, with the change audited."""
    with transaction.atomic():
        response = admin.site.password_change(request)
        if request.method == "POST" and response.status_code == 302 and request.user.is_authenticated:
            staff.staff_password_changed(actor=request.user, user=request.user)
    return response


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles can be looked at, never edited here: tellus/privacy/roles.py is their single source."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
