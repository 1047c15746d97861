"""Admin pages for agencies and accounts, for system administrators only.

People's records are deliberately not registered here: a system administrator
manages accounts and cannot read children's records.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .events import CoreEvent
from .models import Agency, User
from .services import _snapshot, admin_object_delete, admin_object_save, is_system_administrator


class SafeguardAdminSite(admin.AdminSite):
    """The admin site: system administrators with two-factor sign-in only."""

    site_header = "Safeguard: agencies and accounts"
    site_title = "Safeguard administration"
    index_title = "Agencies and accounts"
    login_template = None

    def has_permission(self, request: HttpRequest) -> bool:
        """Only active system administrators who have completed two-factor sign-in."""
        user = request.user
        verified = settings.DEMO_MODE or getattr(user, "is_verified", lambda: False)()
        return is_system_administrator(user) and verified

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Use Safeguard's own sign-in (with two-factor), never the admin's."""
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path(), reverse("core:sign-in"))


admin_site = SafeguardAdminSite(name="admin")


class AuditedAdmin(admin.ModelAdmin):
    """Every save and delete goes through the audited account services."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_system_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_system_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request.user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk:
            before = _snapshot(type(obj).objects.get(pk=obj.pk))
        admin_object_save(by=request.user, instance=obj, before=before, save=obj.save)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        admin_object_delete(by=request.user, instance=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            admin_object_delete(by=request.user, instance=obj)  # type: ignore[arg-type]


@admin.register(Agency, site=admin_site)
class AgencyAdmin(AuditedAdmin):
    list_display = ("name", "kind", "statutory_partner", "is_mash", "active")
    list_filter = ("kind", "statutory_partner", "active")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(User, site=admin_site)
class AccountAdmin(AuditedAdmin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "agency", "is_active")
    list_filter = ("agency", "roles", "is_active")
    # Roles as plain checkboxes: the admin's two-box filter widget fails axe (an aria-label on
    # a span) and sets inline styles the Content Security Policy refuses.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "job_title", "phone")}),
        ("Agency and roles", {"fields": ("agency", "roles", "is_active")}),
        ("Sign-in history", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "password1", "password2", "agency", "roles")}),)
    readonly_fields = ("last_login", "date_joined")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if "roles" in form.changed_data:
            from .audit import audit_record
            from .models import AuditAction

            audit_record(
                by=request.user,
                action=AuditAction.UPDATE,
                object_type=CoreEvent.USER_ROLES,
                object_id=form.instance.pk,
                changes={"roles": sorted(form.instance.roles.values_list("code", flat=True))},
            )
