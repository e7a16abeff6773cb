"""上报: items the county office sends up to the city, and what was sent.

Data and invariants only; ``submissions.services`` is the only writer. What the
city made of a 上报 (采用, 批示) is recorded against it in the assessment app,
which counts it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from briefing.models import Item

User = settings.AUTH_USER_MODEL


class Submission(models.Model):
    """One 上报: which items went to whom, when, from whom, in which files."""

    class Layout(models.TextChoices):
        COMBINED = "combined", "合成一个文件"
        PER_ITEM = "per_item", "每篇一个文件"

    class Origin(models.TextChoices):
        MADE = "made", "制作上报件"
        # Written by the data migration from the 上级采用 and 批示 typed in by
        # hand before 上报 existed: no file was made for them here.
        TRANSFERRED = "transferred", "原录入记录转入"

    recipient = models.CharField(
        "报送对象", max_length=100, help_text="如“市委办信息科”。"
    )
    office_name = models.CharField(
        "报送单位", max_length=100, help_text="印在上报件的报头，如“某某县委办公室”。"
    )
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    layout = models.CharField(
        "文件形式", max_length=10, choices=Layout.choices, default=Layout.COMBINED
    )
    note = models.CharField("备注", max_length=200, blank=True)
    email = models.EmailField("发送到邮箱", blank=True)
    emailed_at = models.DateTimeField("邮件发出时间", null=True, blank=True)
    origin = models.CharField(
        "来源", max_length=12, choices=Origin.choices, default=Origin.MADE
    )
    items = models.ManyToManyField(
        Item, through="SubmissionItem", related_name="submissions", verbose_name="稿件"
    )
    sent_at = models.DateTimeField("上报时间")
    created_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上报人",
    )

    class Meta:
        verbose_name = "上报记录"
        verbose_name_plural = "上报记录"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="transferred") | Q(created_by__isnull=False),
                name="submission_made_by_someone",
            )
        ]

    def __str__(self):
        return f"{self.sent_at:%Y-%m-%d} 报{self.recipient}"


class SubmissionItem(models.Model):
    """An item as it was sent: its title, text and unit at the time of the 上报,
    so the file downloaded later is the one that went out."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name="上报记录",
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name="稿件"
    )
    position = models.PositiveIntegerField("顺序")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    unit_name = models.CharField("单位", max_length=500)  # 合报: several units

    class Meta:
        verbose_name = "上报稿件"
        verbose_name_plural = "上报稿件"
        ordering = ["submission", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "item"], name="submission_item_once"
            )
        ]

    def __str__(self):
        return self.title
