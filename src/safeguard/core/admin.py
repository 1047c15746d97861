"""Admin pages for agencies and accounts, for system administrators only.

People's records are deliberately not registered here: a system administrator
manages accounts and cannot read children's records.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .errors import DomainError
from .models import Agency, RoleApproval, User
from .services import (
    _snapshot,
    account_password_set_record,
    account_roles_changed,
    account_unlock,
    admin_object_delete,
    admin_object_save,
    is_system_administrator,
    role_approve,
    role_refuse,
)


class SafeguardAdminSite(admin.AdminSite):
    """The admin site: system administrators with two-factor sign-in only."""

    site_header = "Safeguard: agencies and accounts"
    site_title = "Safeguard administration"
    index_title = "Agencies and accounts"
    login_template = None

    def has_permission(self, request: HttpRequest) -> bool:
        """Only superusers who are active system administrators, after two-factor sign-in.

        Everyday management of agencies, accounts, roles and teams is on Safeguard's own
        pages (``core/accounts.py``, ``work``); this admin is the superuser's fallback and
        is not in the navigation.
        """
        user = request.user
        verified = settings.DEMO_MODE or getattr(user, "is_verified", lambda: False)()
        return (
            bool(getattr(user, "is_superuser", False))
            and is_system_administrator(user)
            and verified
        )

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

    actions = ("unlock",)

    @admin.action(description="Unlock sign-in for the selected accounts (after a lock-out)")
    def unlock(self, request: HttpRequest, queryset: Any) -> None:
        for user in queryset:
            account_unlock(by=request.user, user=user)  # type: ignore[arg-type]
        self.message_user(
            request,
            f"Sign-in unlocked for {queryset.count()} account(s). Set a new password on the "
            "account's password page if the person has forgotten theirs.",
            level=messages.SUCCESS,
        )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:  # noqa: A002
        """The admin's set-a-password page, audited when a password is set."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            account_password_set_record(by=request.user, user=self.get_object(request, id))  # type: ignore[arg-type]
        return response

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        before = set(form.instance.roles.values_list("code", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        if "roles" in form.changed_data:
            waiting = account_roles_changed(by=request.user, user=form.instance, before=before)  # type: ignore[arg-type]
            if waiting:
                self.message_user(
                    request,
                    "These roles wait for a second administrator to approve them, and give "
                    f"no access until then: {', '.join(a.role.name for a in waiting)}.",
                    level=messages.WARNING,
                )


@admin.register(RoleApproval, site=admin_site)
class RoleApprovalAdmin(AuditedAdmin):
    """Roles waiting for a second administrator: approve or refuse; nothing else is editable."""

    list_display = ("user", "role", "granted_by", "granted_at", "approved_by", "approved_at")
    list_filter = (("approved_at", admin.EmptyFieldListFilter), "role")
    actions = ("approve", "refuse")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _each(self, request: HttpRequest, queryset: Any, service: Any, done: str) -> None:
        count = 0
        for approval in queryset:
            try:
                service(by=request.user, approval=approval)
            except DomainError as exc:
                self.message_user(request, f"{approval}: {exc}", level=messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, f"{count} {done}.", level=messages.SUCCESS)

    @admin.action(description="Approve the selected roles (you cannot approve roles you gave)")
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset, role_approve, "role(s) approved")

    @admin.action(description="Refuse the selected roles (the account loses them)")
    def refuse(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset, role_refuse, "role(s) refused")
