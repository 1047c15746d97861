"""Paths under /contextual/."""

from django.urls import path  # noqa: F401

app_name = "contextual"

urlpatterns: list = []
