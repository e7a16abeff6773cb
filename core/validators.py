import re

from django.conf import settings
from django.core.exceptions import ValidationError

from . import accounts

CLASSES = [
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^a-zA-Z0-9]"), "符号"),
]


class CharacterClassValidator:
    """Require at least ``min_classes`` of: lower case, upper case, digit, symbol."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for pattern, _ in CLASSES if pattern.search(password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return (
            f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类。"
        )


class PasswordHistoryValidator:
    """Refuse the user's current password and their last PASSWORD_HISTORY ones.

    Django calls ``password_changed`` after every save of a new password (own
    change, admin reset, createsuperuser, changepassword): that records it.
    """

    def validate(self, password, user=None):
        if accounts.reuses_password(user, password):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user):
        accounts.password_set(user)

    def get_help_text(self):
        return (
            "新密码不能与当前密码或最近 "
            f"{settings.PASSWORD_HISTORY} 次使用过的密码相同。"
        )
