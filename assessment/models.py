"""Assessment (信息工作考核): levels, 合报 shares, higher adoptions, 批示, rules, 通报.

Data and invariants only; ``assessment.services`` is the only writer.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from briefing.models import Item
from departments.models import Department
from submissions.models import Submission

User = settings.AUTH_USER_MODEL


class AdoptionLevel(models.Model):
    """A level that adopts items or whose leaders write 批示 (县级 … 中央)."""

    name = models.CharField("名称", max_length=50, unique=True)
    short_name = models.CharField(
        "简称", max_length=10, help_text="用于得分明细，如“市级”（显示为“市级采用”）。"
    )
    leader_label = models.CharField(
        "领导称谓",
        max_length=10,
        help_text="用于得分明细，如“市领导”（显示为“市领导批示”）。",
    )
    is_county = models.BooleanField(
        "本县",
        default=False,
        help_text="本县一级：本县《工作简报》采用按此级计分，不能录为上级采用。",
    )
    order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "采用级别"
        verbose_name_plural = "采用级别"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_county"],
                condition=Q(is_county=True),
                name="adoption_level_one_county",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def adoption_label(self) -> str:
        return "采用" if self.is_county else f"{self.short_name}采用"

    @property
    def instruction_label(self) -> str:
        return f"{self.leader_label}批示"


class ItemCredit(models.Model):
    """One unit's share of a joint submission (合报).

    An item without credit rows counts wholly for its own unit.
    """

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="credits", verbose_name="稿件"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="item_credits",
        verbose_name="单位",
    )
    share = models.DecimalField(
        "份额",
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(1)],
    )

    class Meta:
        verbose_name = "合报份额"
        verbose_name_plural = "合报份额"
        ordering = ["item", "-share", "department__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "department"], name="item_credit_once"
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=1), name="item_credit_share"
            ),
        ]

    def __str__(self):
        return f"{self.item} · {self.department.short_name} {self.share}"


class HigherAdoption(models.Model):
    """An item sent up (上报) and adopted by a higher level (上级采用): the
    上报 record's feedback."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="higher_adoptions",
        verbose_name="上报记录",
    )
    item = models.ForeignKey(
        Item,
        on_delete=models.PROTECT,
        related_name="higher_adoptions",
        verbose_name="稿件",
    )
    level = models.ForeignKey(
        AdoptionLevel, on_delete=models.PROTECT, related_name="+", verbose_name="级别"
    )
    adopted_on = models.DateField("采用日期")
    publication = models.CharField(
        "采用刊物", max_length=100, help_text="如“《市委信息》第12期”。"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "上级采用"
        verbose_name_plural = "上级采用"
        ordering = ["-adopted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "level", "publication"],
                name="higher_adoption_once",
            )
        ]
        indexes = [models.Index(fields=["adopted_on"])]

    def __str__(self):
        return f"{self.item} · {self.level.short_name} · {self.publication}"


class InstructionRecord(models.Model):
    """A leader's 批示 on an item, at some level.

    Higher-level 批示 are entered by the editor against the 上报 record that
    carried the item (``source=MANUAL``); county 批示 are fed by the online
    reading's 批示 through ``services.record_instruction`` with
    ``source=READING`` and its own id in ``source_ref``, without a 上报.
    """

    class Source(models.TextChoices):
        MANUAL = "manual", "编辑录入"
        READING = "reading", "在线阅读批示"

    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruction_records",
        verbose_name="上报记录",
    )
    item = models.ForeignKey(
        Item,
        on_delete=models.PROTECT,
        related_name="instruction_records",
        verbose_name="稿件",
    )
    level = models.ForeignKey(
        AdoptionLevel, on_delete=models.PROTECT, related_name="+", verbose_name="级别"
    )
    instructed_on = models.DateField("批示日期")
    leader = models.CharField("批示领导", max_length=50)
    note = models.TextField("批示内容或备注", blank=True)
    source = models.CharField(
        "来源", max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    source_ref = models.CharField("来源编号", max_length=50, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["-instructed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~Q(source_ref=""),
                name="instruction_record_source_once",
            ),
            # A 批示 typed in by the editor answers a 上报.
            models.CheckConstraint(
                condition=Q(source="reading") | Q(submission__isnull=False),
                name="instruction_record_manual_has_submission",
            ),
        ]
        indexes = [models.Index(fields=["instructed_on"])]

    def __str__(self):
        return f"{self.item} · {self.leader}批示"


class ScoringRuleSet(models.Model):
    """The scoring rules in force from ``valid_from`` until the next set begins."""

    valid_from = models.DateField("起用日期", unique=True)
    name = models.CharField("名称", max_length=50, help_text="如“2026年考核办法”。")
    monthly_quota = models.PositiveIntegerField(
        "每月报送任务（条）", default=2, help_text="每个单位每月至少报送的条数。"
    )
    quota_penalty = models.DecimalField(
        "未完成任务扣分",
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text="每月未完成任务扣的分数；0 表示不扣分，只在通报中点名。",
    )
    quota_note = models.CharField(
        "未完成任务处理",
        max_length=100,
        default="通报点名",
        help_text="写入通报的处理说明，如“通报点名”。",
    )
    commission_missing_penalty = models.DecimalField(
        "约稿未报每次扣分",
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
        help_text="约稿截止后仍未报送的单位，每次扣的分数；0 表示不扣分。",
    )
    commission_late_penalty = models.DecimalField(
        "约稿迟报每次扣分",
        max_digits=6,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(0)],
        help_text="约稿截止后才报送的单位，每次扣的分数；0 表示不扣分。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后修改", auto_now=True)

    class Meta:
        verbose_name = "计分规则"
        verbose_name_plural = "计分规则"
        ordering = ["-valid_from"]

    def __str__(self):
        return f"{self.name}（{self.valid_from:%Y-%m-%d}起）"


class ScoringRule(models.Model):
    """Points of one level within a rule set."""

    rule_set = models.ForeignKey(
        ScoringRuleSet,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name="规则",
    )
    level = models.ForeignKey(
        AdoptionLevel, on_delete=models.PROTECT, related_name="+", verbose_name="级别"
    )
    adoption_points = models.DecimalField(
        "每条采用得分",
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    instruction_points = models.DecimalField(
        "每次批示得分",
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = "级别分值"
        verbose_name_plural = "级别分值"
        ordering = ["rule_set", "level__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "level"], name="scoring_rule_level_once"
            )
        ]

    def __str__(self):
        return f"{self.rule_set} · {self.level}"


BULLETIN_TEXT_LIMIT = 5000


class Bulletin(models.Model):
    """The monthly 通报 on submissions: editable text, frozen figures once issued."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已印发"

    year = models.PositiveIntegerField("年度")
    month = models.PositiveIntegerField(
        "月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    title = models.CharField("标题", max_length=100)
    recipients = models.CharField(
        "主送", max_length=200, default="各乡镇、县直各单位："
    )
    # A 通报 runs to a few pages. Issuing renders its PDF while the editor
    # waits: 100 000 characters held a worker for 10 s, so longer text is
    # refused by the form, with the count, before anything is rendered.
    intro = models.TextField("导语", max_length=BULLETIN_TEXT_LIMIT)
    closing = models.TextField("结束语", max_length=BULLETIN_TEXT_LIMIT, blank=True)
    office_name = models.CharField("发文单位", max_length=100)
    issue_date = models.DateField("成文日期")
    # The figures as computed when the draft was made or refreshed; frozen at issue.
    data = models.JSONField("统计数据", default=dict)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="印发人",
    )
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "报送情况通报"
        verbose_name_plural = "报送情况通报"
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="bulletin_month")
        ]

    def __str__(self):
        return self.title


class BulletinDocument(models.Model):
    """The issued 通报's PDF: rendered once at 印发, stored privately under
    MEDIA_ROOT with its SHA-256, and served only after the hash is checked."""

    bulletin = models.OneToOneField(
        Bulletin,
        on_delete=models.PROTECT,
        related_name="document",
        verbose_name="通报",
    )
    file = models.FileField("PDF 文件", upload_to="bulletins/%Y/")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="生成人"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "通报印发文件"
        verbose_name_plural = "通报印发文件"

    def __str__(self):
        return f"{self.bulletin} · 印发版 PDF"
