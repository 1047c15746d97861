"""Template helpers for GOV.UK Design System markup."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils import timezone

from safeguard.core.forms import date_error_parts as _date_error_parts

register = template.Library()

WIDGET_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "passwordinput": "govuk-input",
}


@register.filter
def govuk_widget(field: BoundField, extra_class: str = "") -> str:
    """Render a text input, textarea or select with GOV.UK classes and ARIA links."""
    base = WIDGET_CLASSES.get(field.widget_type, "govuk-input")
    classes = [base]
    if extra_class:
        classes.append(extra_class)
    if field.errors:
        classes.append(f"{base}--error")
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs: dict[str, Any] = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    existing = field.field.widget.attrs.get("class")
    if existing:
        attrs["class"] = f"{attrs['class']} {existing}"
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("forms/error_summary.html")
def error_summary(*forms: Any) -> dict[str, Any]:
    """A GOV.UK error summary listing every error in the given forms, linked to its field."""
    items = []
    for form in forms:
        if form is None or not getattr(form, "is_bound", False) or not form.errors:
            continue
        for error in form.non_field_errors():
            items.append({"href": "", "text": error})
        for field in form:
            if field.errors:
                anchor = field.auto_id
                if field.widget_type in ("radioselect", "checkboxselectmultiple"):
                    anchor = f"{field.auto_id}_0"
                elif field.widget_type == "dateinput":
                    wrong = _date_error_parts(field.errors) or ("day",)
                    anchor = f"{field.auto_id}_{wrong[0]}"
                items.append({"href": f"#{anchor}", "text": field.errors[0]})
    return {"items": items}


@register.filter
def uk_datetime(value: Any) -> str:
    """A time in UK time, as people write it: 3 March 2026, 2:15pm."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y}, {hour}:{local:%M}{local.strftime('%p').lower()}"


@register.filter
def uk_date(value: Any) -> str:
    """A date as people write it: 3 March 2026."""
    if value is None or value == "":
        return ""
    return f"{value.day} {value:%B %Y}"


@register.filter
def field_value(field: BoundField) -> Any:
    """The value to show in an input: what was typed, else the initial value."""
    value = field.value()
    return "" if value is None else value


@register.filter
def humanise(value: str) -> str:
    """'person_viewers' becomes 'person viewers'."""
    return str(value).replace("_", " ")


@register.filter
def nhs_format(value: str) -> str:
    """Show a 10-digit NHS number as 3-3-4 digits."""
    digits = str(value or "")
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return digits


@register.filter
def date_error_parts(field: BoundField) -> tuple[str, ...]:
    """The boxes of a date input to highlight: only those its error names (GOV.UK pattern)."""
    if not field.errors:
        return ()
    return _date_error_parts(field.errors)


def _reveals(form: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    return getattr(form, "conditional_reveals", None) or {}


@register.filter
def revealed_by(field: BoundField, value: Any) -> list[BoundField]:
    """The follow-up questions a radio or checkbox choice reveals (a GOV.UK conditional reveal).

    A form lists them as ``conditional_reveals = {"field": {"value": ("follow_up", ...)}}``.
    """
    names = _reveals(field.form).get(field.name, {}).get(str(value), ())
    return [field.form[name] for name in names if name in field.form.fields]


@register.filter
def has_reveals(field: BoundField) -> bool:
    """Whether any choice of this field reveals follow-up questions (then never inline)."""
    return bool(_reveals(field.form).get(field.name))


@register.filter
def is_revealed(field: BoundField) -> bool:
    """Whether this field is a follow-up shown inside another question's conditional reveal."""
    return any(
        field.name in names
        for choices in _reveals(field.form).values()
        for names in choices.values()
    )
