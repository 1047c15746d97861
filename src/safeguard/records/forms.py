"""Forms for importing agency records and deciding matches, with GOV.UK error wording."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.forms import TextField
from safeguard.core.models import Agency

from .parsing import FIELDS, MAX_UPLOAD_BYTES, UploadError, file_kind


class UploadForm(forms.Form):
    """Step 1: which agency's extract, and the file."""

    agency = forms.ModelChoiceField(
        label="Whose records are these?",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency whose records these are",
            "invalid_choice": "Choose the agency whose records these are",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A spreadsheet (CSV) file or an Excel workbook (.xlsx), "
        f"smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB, "
        "with the column names in the first row.",
        error_messages={
            "required": "Select a spreadsheet (CSV) or Excel file",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        """Refuse anything but a small CSV or XLSX, judged by extension and content."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
            )
        content = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            file_kind(upload.name or "", content)
        except UploadError as exc:
            raise forms.ValidationError(str(exc)) from None
        self.content = content
        return upload


class MappingForm(forms.Form):
    """Step 2: which field each column holds (one select per column, with our guess chosen)."""

    def __init__(
        self, *args: Any, headers: list[str], guess: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", "Do not import this column"), *FIELDS.items()]
        for position, header in enumerate(headers):
            self.fields[f"column_{position}"] = forms.ChoiceField(
                label=f"Column '{header or f'number {position + 1}'}'",
                choices=choices,
                required=False,
                initial=guess.get(header, ""),
            )

    def mapping(self) -> dict[str, str]:
        """The header to field mapping chosen."""
        return {h: self.cleaned_data.get(f"column_{i}", "") for i, h in enumerate(self.headers)}


class DecisionForm(forms.Form):
    """Step 3 of linking: the same person or not, and why."""

    reason = TextField(
        label="Notes (optional)",
        help_text="For example, what made you sure. This is kept with the decision.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UndoForm(forms.Form):
    """Undo a link or a merge: a reason is required."""

    reason = TextField(
        label="Why are you undoing this?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are undoing this"},
    )
