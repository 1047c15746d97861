"""GOV.UK pages where system administrators manage agencies, accounts and roles.

Django's admin is for superusers only; these pages are the everyday way in. A role
that opens children's records, or manages accounts, takes effect only when a second
administrator approves it (``RoleApproval``). No page here shows a child.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .errors import DomainError
from .forms import TextField
from .http import errors_on, require_perm
from .models import Agency, AgencyKind, Role, RoleApproval, User
from .services import (
    account_create,
    account_roles_set,
    account_unlock,
    agency_create,
    role_approve,
    role_refuse,
)

PER_PAGE = 50


class RolesField(forms.MultipleChoiceField):
    """The roles an account holds, as GOV.UK checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=Role.CHOICES,
            label="Roles",
            help_text=(
                "Roles that open children's records, and the system administrator role, "
                "take effect only when a second administrator approves them."
            ),
            required=False,
            error_messages={"invalid_choice": "Select roles from the list"},
            **kwargs,
        )


class AccountForm(forms.Form):
    """A new account."""

    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.filter(active=True).order_by("name"),
        empty_label="Select the agency",
        error_messages={"required": "Select the agency"},
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter the first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter the last name"}
    )
    username = forms.SlugField(
        label="Username",
        max_length=150,
        help_text="Letters, numbers, hyphens and underscores, for example jo-brandon.",
        error_messages={
            "required": "Enter a username",
            "invalid": "Username must use only letters, numbers, hyphens and underscores",
        },
    )
    email = forms.EmailField(
        label="Work email address",
        error_messages={
            "required": "Enter the work email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    job_title = forms.CharField(
        label="Job title", max_length=200, error_messages={"required": "Enter the job title"}
    )
    roles = RolesField()
    password = forms.CharField(
        label="First password",
        help_text="At least 12 characters. They set up two-factor sign-in when they first sign in.",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a first password"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # These describe someone else, not the administrator: no autofill, no spelling marks.
        for name in ("first_name", "last_name", "email", "username"):
            self.fields[name].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


class RolesForm(forms.Form):
    """Change an account's roles."""

    roles = RolesField()


class AgencyForm(forms.Form):
    """A new agency in the partnership."""

    name = forms.CharField(
        label="Agency name", max_length=200, error_messages={"required": "Enter the agency's name"}
    )
    kind = forms.ChoiceField(
        label="What kind of agency is it?",
        choices=[("", "Select the kind of agency"), *AgencyKind.choices],
        error_messages={"required": "Select the kind of agency"},
    )
    statutory_partner = forms.BooleanField(
        label="It is a statutory safeguarding partner", required=False
    )


class ReasonForm(forms.Form):
    """Why an approval is refused (kept for the audit)."""

    reason = TextField(label="Why?", required=False, max_length=500)


def _accounts(agency_id: str | None) -> Any:
    accounts = User.objects.select_related("agency").prefetch_related(
        "roles",
        Prefetch(
            "role_approvals",
            queryset=RoleApproval.objects.filter(approved_at__isnull=True),
            to_attr="waiting",
        ),
    )
    if agency_id and agency_id.isdigit():
        accounts = accounts.filter(agency_id=int(agency_id))
    return accounts.order_by("last_name", "first_name", "username")


@login_required
@require_http_methods(["GET"])
def account_list(request: HttpRequest) -> HttpResponse:
    """Every account, with its agency, roles and any role waiting for approval."""
    require_perm(request, "core.manage_accounts")
    agency_id = request.GET.get("agency")
    page = Paginator(_accounts(agency_id), PER_PAGE).get_page(request.GET.get("page", 1))
    return render(
        request,
        "core/accounts/list.html",
        {
            "page": page,
            "agencies": Agency.objects.order_by("name"),
            "agency_id": agency_id,
            "waiting": RoleApproval.objects.filter(approved_at__isnull=True).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_new(request: HttpRequest) -> HttpResponse:
    """Open an account: its roles that see children wait for a second administrator."""
    require_perm(request, "core.manage_accounts")
    form = AccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form) as failed:
            user = account_create(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        if not failed:
            messages.success(
                request,
                f"Account {user.username} opened. Roles that see children wait for a second "
                "administrator's approval.",
            )
            return redirect("core:account", user_id=user.pk)
    return render(
        request, "core/accounts/new.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    """One account: who, agency, roles (and which wait for approval), and what can be done."""
    require_perm(request, "core.manage_accounts")
    account = get_object_or_404(User.objects.select_related("agency"), pk=user_id)
    current = list(account.roles.values_list("code", flat=True))
    form = RolesForm(request.POST if request.method == "POST" else None, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="roles") as failed:
            waiting = account_roles_set(
                by=request.user,  # type: ignore[arg-type]
                user=account,
                roles=form.cleaned_data["roles"],
            )
        if not failed:
            note = (
                f" {len(waiting)} role(s) wait for a second administrator's approval."
                if waiting
                else ""
            )
            messages.success(request, f"Roles saved.{note}")
            return redirect("core:account", user_id=account.pk)
    return render(
        request,
        "core/accounts/detail.html",
        {
            "account": account,
            "form": form,
            "approvals": RoleApproval.objects.filter(user=account).select_related(
                "role", "granted_by", "approved_by"
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def account_unlock_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """Lift a sign-in lock-out now (audited)."""
    require_perm(request, "core.manage_accounts")
    account = get_object_or_404(User, pk=user_id)
    cleared = account_unlock(by=request.user, user=account)  # type: ignore[arg-type]
    messages.success(
        request,
        "Lock-out lifted." if cleared else "The account was not locked out; nothing changed.",
    )
    return redirect("core:account", user_id=account.pk)


@login_required
@require_http_methods(["GET"])
def approvals(request: HttpRequest) -> HttpResponse:
    """Roles waiting for a second administrator."""
    require_perm(request, "core.manage_accounts")
    waiting = RoleApproval.objects.filter(approved_at__isnull=True).select_related(
        "user", "user__agency", "role", "granted_by"
    )
    return render(request, "core/accounts/approvals.html", {"waiting": waiting})


@login_required
@require_POST
def approval_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    """Approve or refuse one waiting role (never one you gave, never your own)."""
    require_perm(request, "core.manage_accounts")
    approval = get_object_or_404(
        RoleApproval.objects.select_related("user", "role"), pk=approval_id
    )
    try:
        if request.POST.get("decision") == "approve":
            role_approve(by=request.user, approval=approval)  # type: ignore[arg-type]
            messages.success(request, f"{approval.role.name} approved for {approval.user}")
        elif request.POST.get("decision") == "refuse":
            role_refuse(by=request.user, approval=approval)  # type: ignore[arg-type]
            messages.success(request, f"{approval.role.name} refused for {approval.user}")
        else:
            messages.error(request, "Choose whether to approve or refuse the role")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("core:approvals")


@login_required
@require_http_methods(["GET", "POST"])
def agency_list(request: HttpRequest) -> HttpResponse:
    """The partnership's agencies, and a form to add one."""
    require_perm(request, "core.manage_accounts")
    form = AgencyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="name") as failed:
            agency = agency_create(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        if not failed:
            messages.success(request, f"{agency.name} added")
            return redirect("core:agencies")
    return render(
        request,
        "core/accounts/agencies.html",
        {"agencies": Agency.objects.order_by("name"), "form": form},
        status=400 if form.errors else 200,
    )
