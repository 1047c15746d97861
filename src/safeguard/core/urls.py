from django.urls import path

from . import accounts, views

app_name = "core"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/two-factor/", views.two_factor, name="two-factor"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("account/two-factor/", views.two_factor_settings, name="two-factor-settings"),
    path("session/keep-alive/", views.keep_alive, name="keep-alive"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("health/", views.health, name="health"),
    path("outbox/", views.outbox, name="outbox"),
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/new/", accounts.account_new, name="account-new"),
    path("accounts/approvals/", accounts.approvals, name="approvals"),
    path("accounts/approvals/<int:approval_id>/", accounts.approval_decide, name="approval-decide"),
    path("accounts/<int:user_id>/", accounts.account_detail, name="account"),
    path("accounts/<int:user_id>/unlock/", accounts.account_unlock_view, name="account-unlock"),
    path("agencies/", accounts.agency_list, name="agencies"),
]
