from django.urls import path

from . import views

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
]
