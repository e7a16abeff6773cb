"""Pieces shared by every app's forms."""

from django import forms

# The largest value of PostgreSQL's integer column: every number a form accepts
# is bounded at the form (a larger one reached the database and gave a 500).
MAX_INTEGER = 2_147_483_647
# Ids are 64-bit (BigAutoField).
MAX_ID = 2**63 - 1

STALE_PAGE = (
    "页面不完整或已过期，无法确认您修改的是哪一稿。"
    "您填写的内容仍在下方，请复制保留后刷新页面再保存。"
)


class VersionField(forms.IntegerField):
    """The version of the object the page was loaded at, in a hidden input.

    Missing or not a version number, it is the page's fault, not the user's:
    the form says so at the top (``HiddenErrorsOnTop``)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_INTEGER)
        kwargs.setdefault(
            "error_messages",
            {key: STALE_PAGE for key in ("required", "invalid", "min_value")}
            | {"max_value": STALE_PAGE},
        )
        super().__init__(**kwargs)


class HiddenErrorsOnTop:
    """A hidden field's error is shown at the top of the form (a hidden input
    has no place of its own on the page to show it)."""

    def clean(self):
        cleaned = super().clean()
        for field in self.hidden_fields():
            for message in list(self.errors.get(field.name, [])):
                if message not in self.non_field_errors():
                    self.add_error(None, message)
        return cleaned


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, with an id beyond 64 bits refused as a choice that does not
    exist: looked up with ``__in``, it raised OverflowError on SQLite (a 500)."""

    def _check_values(self, value):
        for pk in value or ():
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # Django's own check says it is not an id
            if abs(number) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)
