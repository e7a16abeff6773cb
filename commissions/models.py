"""约稿 (commissions): a request for items on a topic by a deadline, the items
that answer it and the reminders (催报) sent. Data and invariants only;
``commissions.services`` is the only writer.
"""

from django.conf import settings
from django.db import models

from briefing.models import Issue, Item, Section
from departments.models import Department

User = settings.AUTH_USER_MODEL

# Minutes before the deadline at which units that have not answered are reminded.
DEFAULT_OFFSETS = [24 * 60, 2 * 60]


def default_offsets():
    return list(DEFAULT_OFFSETS)


class Commission(models.Model):
    """约稿: the editor asks units for items on a topic by a deadline."""

    topic = models.CharField("约稿主题", max_length=200)
    guidance = models.TextField("约稿要求", blank=True)
    departments = models.ManyToManyField(
        Department, related_name="commissions", verbose_name="约稿单位"
    )
    deadline = models.DateTimeField("截止时间", db_index=True)
    issue = models.ForeignKey(
        Issue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="拟用于（期）",
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="栏目",
    )
    # Minutes before the deadline, largest first (e.g. [1440, 120]).
    reminder_offsets = models.JSONField("截止前提醒（分钟）", default=default_offsets)
    remind_when_late = models.BooleanField("逾期后提醒一次", default=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="约稿人"
    )
    created_at = models.DateTimeField("约稿时间", auto_now_add=True)

    class Meta:
        verbose_name = "约稿"
        verbose_name_plural = "约稿"
        ordering = ["-deadline", "-id"]

    def __str__(self):
        return self.topic


class CommissionAnswer(models.Model):
    """An item written in answer to a commission (an item answers at most one)."""

    commission = models.ForeignKey(
        Commission,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name="约稿",
    )
    item = models.OneToOneField(
        Item,
        on_delete=models.CASCADE,
        related_name="commission_answer",
        verbose_name="稿件",
    )
    created_at = models.DateTimeField("关联时间", auto_now_add=True)

    class Meta:
        verbose_name = "约稿回应稿件"
        verbose_name_plural = "约稿回应稿件"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.commission} · {self.item}"


class Reminder(models.Model):
    """One 催报 sent to one unit on one occasion; the unique row is what makes
    a second run of the reminder job (or a retry) send nothing again."""

    commission = models.ForeignKey(
        Commission,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name="约稿",
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="单位"
    )
    # "before:<minutes>@<deadline>", "late@<deadline>" or "manual:<time>".
    occasion = models.CharField("时机", max_length=80)
    sent_at = models.DateTimeField("提醒时间")
    sent_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提醒人",
        help_text="空：系统按设定时间自动提醒。",
    )

    class Meta:
        verbose_name = "催报记录"
        verbose_name_plural = "催报记录"
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "department", "occasion"],
                name="reminder_once_per_occasion",
            )
        ]

    def __str__(self):
        return f"{self.commission} · {self.department.short_name} · {self.occasion}"
