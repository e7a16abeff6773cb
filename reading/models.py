"""Online reading: 已阅 receipts, 批示 and their feedback (who may read an issue
is ``briefing.models.DistributionRecipients``)."""

from django.conf import settings
from django.db import models

from briefing.models import Issue, Item, StoredFile
from departments.models import Department

User = settings.AUTH_USER_MODEL


class ReadReceipt(models.Model):
    """已阅: the first time a reader opened an issue (or downloaded its PDF)."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="read_receipts", verbose_name="期"
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name="阅读人"
    )
    first_read_at = models.DateTimeField("首次阅读时间")

    class Meta:
        verbose_name = "阅读记录"
        verbose_name_plural = "阅读记录"
        ordering = ["issue", "first_read_at"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "user"], name="read_once")
        ]

    def __str__(self):
        return f"{self.issue} · {self.user}"


class Instruction(models.Model):
    """A leader's written instruction (批示) on an item of an issue, handled by
    the item's unit and the units it is sent on to (转办), each on its own
    (``InstructionUnit``)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待签收"
        SIGNED = "signed", "已签收"
        ANSWERED = "answered", "已反馈"

    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="instructions", verbose_name="稿件"
    )
    issue = models.ForeignKey(
        Issue, on_delete=models.PROTECT, related_name="instructions", verbose_name="期"
    )
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="批示领导"
    )
    text = models.TextField("批示内容")
    # The least advanced of its units: 已反馈 once every unit has fed back.
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.PENDING
    )
    deadline = models.DateField(
        "办理时限",
        null=True,
        blank=True,
        help_text="各办理单位须在这一天结束前签收并反馈落实情况。",
    )
    created_at = models.DateTimeField("批示时间", auto_now_add=True, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "批示"
        verbose_name_plural = "批示"
        ordering = ["-created_at", "-id"]
        permissions = [("write_instruction", "在线阅读时作出批示")]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.item} · 批示"


class InstructionUnit(models.Model):
    """One unit handling a 批示 (办理单位): the item's own unit, or one the leader
    sent it on to (转办). Each signs for it and feeds back on its own."""

    Status = Instruction.Status

    instruction = models.ForeignKey(
        Instruction,
        on_delete=models.CASCADE,
        related_name="units",
        verbose_name="批示",
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="办理单位"
    )
    is_transfer = models.BooleanField("转办", default=False)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.PENDING
    )
    signed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="签收人",
    )
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    # When each automatic reminder went out: set by a conditional UPDATE, so
    # a doubled or repeated reminder run sends and audits it once.
    reminded_at = models.DateTimeField("时限前提醒时间", null=True, blank=True)
    overdue_reminded_at = models.DateTimeField("逾期提醒时间", null=True, blank=True)

    class Meta:
        verbose_name = "办理单位"
        verbose_name_plural = "办理单位"
        ordering = ["is_transfer", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instruction", "department"], name="instruction_unit_once"
            )
        ]
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self):
        return f"{self.instruction} · {self.department.short_name}"


class InstructionFeedback(models.Model):
    """A unit's report on how an instruction was carried out (落实情况反馈)."""

    handling = models.OneToOneField(
        InstructionUnit,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name="办理单位",
    )
    body = models.TextField("落实情况")
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="反馈人"
    )
    created_at = models.DateTimeField("反馈时间", auto_now_add=True)

    class Meta:
        verbose_name = "落实情况反馈"
        verbose_name_plural = "落实情况反馈"

    def __str__(self):
        return f"{self.handling} · 反馈"


class FeedbackAttachment(StoredFile):
    """A file attached to a feedback."""

    feedback = models.ForeignKey(
        InstructionFeedback,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="反馈",
    )
    file = models.FileField("文件", upload_to="instructions/%Y/%m/")

    class Meta(StoredFile.Meta):
        verbose_name = "反馈附件"
        verbose_name_plural = "反馈附件"
