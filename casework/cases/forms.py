"""Form pieces every case type's pages share: several files in one field.

Django's file input takes one file; a field of several needs a widget that
allows it and a field that cleans a list (Django 5.2 docs, "Uploading
multiple files"). Empty files pass here: the document checks refuse them,
with the same message as everywhere else.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        single = super().clean
        cleaned = [single(item, initial) for item in files]
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [item for item in cleaned if item]
