"""Every write of the directory app: services directory, news and events, newsletter."""

from .directory import ImportRefused, directory_import, service_delete, service_save
from .news import (
    awareness_day_save,
    campaign_save,
    event_interest_register,
    event_save,
    news_item_save,
)
from .newsletter import (
    newsletter_confirm,
    newsletter_issue_compose,
    newsletter_issue_edit,
    newsletter_issue_send,
    newsletter_sign_up,
    newsletter_unsubscribe,
)

__all__ = [
    "ImportRefused",
    "awareness_day_save",
    "campaign_save",
    "directory_import",
    "event_interest_register",
    "event_save",
    "news_item_save",
    "newsletter_confirm",
    "newsletter_issue_compose",
    "newsletter_issue_edit",
    "newsletter_issue_send",
    "newsletter_sign_up",
    "newsletter_unsubscribe",
    "service_delete",
    "service_save",
]
