"""Closing an account anywhere (a page, the admin, a script) moves the person's work on.

Deactivation is a change to ``core.User``, which knows nothing of work; the work
app listens so that no path that closes an account can leave work with nobody.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from safeguard.core.models import User


@receiver(pre_save, sender=User)
def _remember_active(sender: Any, instance: User, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "is_active" not in update_fields:
        return
    if instance.pk:
        instance._was_active = (  # type: ignore[attr-defined]
            User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        )


@receiver(post_save, sender=User)
def _reallocate_when_deactivated(sender: Any, instance: User, **kwargs: Any) -> None:
    if getattr(instance, "_was_active", False) and not instance.is_active:
        from .services import work_reallocate_for

        work_reallocate_for(by=None, user=instance, why=f"{instance}'s account was closed")
        instance._was_active = False  # type: ignore[attr-defined]
