"""Publications, sections, issues and items: data and invariants only."""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from departments.models import Department

User = settings.AUTH_USER_MODEL


class StoredFile(models.Model):
    """A file kept privately under MEDIA_ROOT and served through a checking view."""

    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name


class TimelineEvent(models.Model):
    """One step on a timeline: who, when, what, with a comment."""

    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    action = models.CharField("操作", max_length=30)
    comment = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class Classification(models.TextChoices):
    """The marking at the top left of the masthead (GB/T 9704: 密级和保密期限)."""

    NONE = "none", "不标注"
    INTERNAL = "internal", "内部资料　注意保存"
    SECRET = "secret", "秘密"
    CONFIDENTIAL = "confidential", "机密"


# The longest 保密期限 a 密级 may have, in years (保守国家秘密法 第十五条).
MAX_SECRECY_YEARS = {Classification.SECRET: 10, Classification.CONFIDENTIAL: 20}


def classification_constraint(prefix: str, name: str) -> models.CheckConstraint:
    """A 密级 has a 保密期限 within its limit; no other marking has one."""
    field, years = f"{prefix}classification", f"{prefix}secrecy_years"
    allowed = Q(
        **{f"{field}__in": [Classification.NONE, Classification.INTERNAL]},
        **{f"{years}__isnull": True},
    )
    for level, limit in MAX_SECRECY_YEARS.items():
        # IS NOT NULL too: a CHECK passes when its condition is NULL.
        allowed |= Q(
            **{field: level, f"{years}__isnull": False},
            **{f"{years}__gte": 1, f"{years}__lte": limit},
        )
    return models.CheckConstraint(
        condition=allowed,
        name=name,
        violation_error_message=(
            "密级与保密期限不相符：秘密须写 1–10 年、机密须写 1–20 年的保密期限；"
            "不标注或“内部资料　注意保存”不写保密期限。"
        ),
    )


def classification_error(classification, secrecy_years) -> str:
    """Why a 密级 and 保密期限 cannot go together, or '' when they can."""
    if classification not in Classification.values:
        return "请从列表中选择密级。"
    limit = MAX_SECRECY_YEARS.get(classification)
    label = Classification(classification).label
    if limit is None:
        if secrecy_years is not None:
            return f"“{label}”不标保密期限，请清空保密期限。"
        return ""
    if secrecy_years is None or not 1 <= secrecy_years <= limit:
        return f"{label}须写保密期限：1 至 {limit} 年（印作“{label}★1年”）。"
    return ""


def marking(classification: str, secrecy_years: int | None) -> str:
    """The one marking printed in the masthead: 秘密★1年, 内部资料　注意保存, or ''."""
    if classification in MAX_SECRECY_YEARS:
        return f"{Classification(classification).label}★{secrecy_years}年"
    if classification == Classification.INTERNAL:
        return Classification.INTERNAL.label
    return ""


class Publication(models.Model):
    """A briefing series with its own numbering (工作简报; a 增刊 is another one)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "简报"
        # One urgent item issued alone (briefing.services.issues.make_special_issue).
        SPECIAL = "special", "专报"

    name = models.CharField("刊物名称", max_length=50, unique=True)
    kind = models.CharField(
        "类型",
        max_length=20,
        choices=Kind.choices,
        default=Kind.REGULAR,
        help_text="“专报”：编辑在紧急信息页“作为专报编发”时用这个刊物，单独编号。",
    )
    office_name = models.CharField(
        "编印单位", max_length=100, help_text="印在报头左侧，如“延津县人民政府办公室”。"
    )
    default_classification = models.CharField(
        "默认密级/标注",
        max_length=20,
        choices=Classification.choices,
        default=Classification.INTERNAL,
        help_text="新建的每一期默认如此标注，编辑可在组版页逐期修改。",
    )
    default_secrecy_years = models.PositiveSmallIntegerField(
        "默认保密期限（年）",
        null=True,
        blank=True,
        help_text="仅秘密（至多 10 年）、机密（至多 20 年）填写，印作“秘密★1年”。",
    )
    is_active = models.BooleanField("启用", default=True)
    # The numbering counter: locked with select_for_update at sign-off.
    number_year = models.PositiveIntegerField("当前编号年度", null=True, blank=True)
    last_number = models.PositiveIntegerField(
        "本年度已用期号", default=0, help_text="下一期为此数加一；跨年自动从 1 开始。"
    )
    last_total_number = models.PositiveIntegerField(
        "已用总期号", default=0, help_text="下一期的总第几期为此数加一。"
    )
    target_pages = models.PositiveSmallIntegerField(
        "目标页数",
        null=True,
        blank=True,
        help_text="如 4。组版时估算的印刷页数超过此数即提示。",
    )
    item_length_guide = models.PositiveIntegerField(
        "每篇字数上限",
        null=True,
        blank=True,
        help_text="如 400。正文超过此字数的稿件在编辑页和组版页标出。",
    )

    class Meta:
        verbose_name = "刊物"
        verbose_name_plural = "刊物"
        ordering = ["id"]
        constraints = [
            classification_constraint("default_", "publication_classification_valid")
        ]

    def __str__(self):
        return self.name


class Section(models.Model):
    """A topic section (栏目), printed as 【name】."""

    name = models.CharField("栏目名称", max_length=30, unique=True)
    order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class DistributionList(models.Model):
    """Who an issue goes to: the printed lines (本期发 or 报/送/发)."""

    name = models.CharField("名称", max_length=50, unique=True)
    lines = models.TextField(
        "印发范围",
        help_text="每行一条，如“本期发：县委常委，……”，或分行写“报：”“送：”“发：”。",
    )
    default_copies = models.PositiveIntegerField("默认印数", default=60)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "分发范围"
        verbose_name_plural = "分发范围"
        ordering = ["id"]

    def __str__(self):
        return self.name

    def line_list(self) -> list[str]:
        return [line.strip() for line in self.lines.splitlines() if line.strip()]


# Who may read an issue online is decided here, beside the distribution list,
# as every layer above (the notices at sign-off, the issue pages, online
# reading) asks it. The tables keep the names they were created under.


class RecipientGroup(models.Model):
    """A group of reader accounts an issue can go to (县委常委, 副县长, …)."""

    name = models.CharField("名称", max_length=50, unique=True)
    order = models.PositiveIntegerField("排序", default=100)
    members = models.ManyToManyField(
        User, blank=True, related_name="recipient_groups", verbose_name="成员"
    )

    class Meta:
        db_table = "reading_recipientgroup"
        verbose_name = "阅读对象组"
        verbose_name_plural = "阅读对象组"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class DistributionRecipients(models.Model):
    """Who may read online the issues sent to a distribution list."""

    distribution_list = models.OneToOneField(
        DistributionList,
        on_delete=models.CASCADE,
        related_name="recipients",
        verbose_name="分发范围",
    )
    groups = models.ManyToManyField(
        RecipientGroup, blank=True, related_name="+", verbose_name="阅读对象组"
    )
    users = models.ManyToManyField(
        User, blank=True, related_name="+", verbose_name="个人"
    )
    # The units' clerks and reviewers (信息员、单位审核人) read too: every
    # unit's (本期发 "各单位") or those of the units chosen.
    all_units = models.BooleanField(
        "各单位均可阅读",
        default=False,
        help_text="勾选后，所有单位的信息员和单位审核人都可在线阅读。",
    )
    departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="+",
        verbose_name="可阅读的单位",
        help_text="这些单位的信息员和单位审核人可在线阅读（已勾选“各单位”时不必再选）。",
    )

    class Meta:
        db_table = "reading_distributionrecipients"
        verbose_name = "在线阅读范围"
        verbose_name_plural = "在线阅读范围"

    def __str__(self):
        return f"{self.distribution_list} · 在线阅读范围"


def issue_number_label(number, total_number) -> str:
    """第N期（总第M期）: an issue's number as printed and listed."""
    return f"第{number}期（总第{total_number}期）"


class Issue(models.Model):
    """One issue (期) of a publication; numbered and frozen at sign-off."""

    class Status(models.TextChoices):
        DRAFT = "draft", "组稿中"
        PENDING_SIGNOFF = "pending_signoff", "待签发"
        ISSUED = "issued", "已签发"

    publication = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        related_name="issues",
        verbose_name="刊物",
    )
    issue_date = models.DateField("印发日期")
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    number = models.PositiveIntegerField("期号", null=True, blank=True)
    total_number = models.PositiveIntegerField("总期号", null=True, blank=True)
    distribution_list = models.ForeignKey(
        DistributionList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name="分发范围",
    )
    # Frozen copy of the printed lines, taken at sign-off.
    distribution_text = models.TextField("印发范围（定稿）", blank=True)
    copies = models.PositiveIntegerField("印数", default=60)
    classification = models.CharField(
        "密级/标注",
        max_length=20,
        choices=Classification.choices,
        default=Classification.INTERNAL,
    )
    secrecy_years = models.PositiveSmallIntegerField(
        "保密期限（年）", null=True, blank=True
    )
    # The copy-number (份号) counter: locked with select_for_update per download.
    last_copy_number = models.PositiveIntegerField("已发份号", default=0)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    signed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="签发人",
    )
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "期"
        verbose_name_plural = "期"
        ordering = ["-issue_date", "-id"]
        # The editorial roles; groups holding them are made by a data migration.
        permissions = [
            ("edit_briefing", "编辑：处理稿件、组版"),
            ("sign_issue", "签发简报"),
            ("read_issue", "阅读已签发的简报"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "year", "number"],
                condition=Q(number__isnull=False),
                name="issue_number_unique_in_year",
            ),
            models.UniqueConstraint(
                fields=["publication", "total_number"],
                condition=Q(total_number__isnull=False),
                name="issue_total_number_unique",
            ),
            classification_constraint("", "issue_classification_valid"),
        ]

    def __str__(self):
        if self.number:
            return f"{self.publication.name} {self.number_label}"
        return f"{self.publication.name}（{self.issue_date:%Y-%m-%d}，未编号）"

    @property
    def number_label(self) -> str:
        return issue_number_label(self.number, self.total_number)

    @property
    def marking(self) -> str:
        return marking(self.classification, self.secrecy_years)

    @property
    def is_classified(self) -> bool:
        """秘密 or 机密: every copy carries its 份号 in the masthead."""
        return self.classification in MAX_SECRECY_YEARS


class IssueSection(models.Model):
    """A section as placed in one issue, in the editor's order."""

    issue = models.ForeignKey(
        Issue,
        on_delete=models.CASCADE,
        related_name="issue_sections",
        verbose_name="期",
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="+", verbose_name="栏目"
    )
    position = models.PositiveIntegerField("顺序")

    class Meta:
        verbose_name = "本期栏目"
        verbose_name_plural = "本期栏目"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "section"], name="issue_section_once"
            ),
            models.UniqueConstraint(
                fields=["issue", "position"], name="issue_section_position_unique"
            ),
        ]

    def __str__(self):
        return f"{self.issue} 【{self.section.name}】"


class UrgentCategory(models.TextChoices):
    """What kind of event an urgent item (紧急信息) reports."""

    EMERGENCY = "emergency", "突发事件"
    WORK_SAFETY = "work_safety", "安全生产事故"
    NATURAL_DISASTER = "natural_disaster", "自然灾害"
    PUBLIC_HEALTH = "public_health", "公共卫生事件"
    SOCIAL_SECURITY = "social_security", "社会安全事件"
    OTHER = "other", "其他"


# Urgent items the editors still have to act on (已报送, 编辑中): first in the
# inbox, in red (briefing.urgent).
URGENT_OPEN_STATES = ("submitted", "editing")


def open_urgent():
    """1 for an urgent item in URGENT_OPEN_STATES, else 0: the inbox's first
    sort key, indexed (item_inbox_urgent_first)."""
    return Case(
        When(is_urgent=True, status__in=URGENT_OPEN_STATES, then=Value(1)),
        default=Value(0),
    )


class Item(models.Model):
    """An item (稿件/信息) sent in by a unit."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING_REVIEW = "pending_review", "待单位审核"
        SUBMITTED = "submitted", "已报送"
        EDITING = "editing", "编辑中"
        ADOPTED = "adopted", "已采用"
        PUBLISHED = "published", "已刊发"
        RETURNED = "returned", "已退回"
        NOT_USED = "not_used", "未采用"
        WITHDRAWN = "withdrawn", "已撤回"

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name="报送单位",
    )
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="items", verbose_name="撰稿人"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    # Plain text of title and body, kept by the services for search.
    search_text = models.TextField("检索文本", blank=True, editable=False)
    # 字数 of the body (briefing.hygiene.char_count), kept by the services with
    # search_text, so that lists show it without reading the body.
    char_count = models.PositiveIntegerField("字数", default=0, editable=False)
    suggested_section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="建议栏目",
    )
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("电话", max_length=30, blank=True)
    # 紧急信息: with its category and when the event happened.
    is_urgent = models.BooleanField("紧急", default=False)
    urgent_category = models.CharField(
        "紧急信息类别", max_length=20, choices=UrgentCategory.choices, blank=True
    )
    event_at = models.DateTimeField("事件发生时间", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后修改", auto_now=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    claimed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="编辑人",
    )
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    keep_for_later = models.BooleanField("存档备用", default=False)
    issue = models.ForeignKey(
        Issue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name="采用期",
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="采用栏目",
    )
    position = models.PositiveIntegerField("栏目内顺序", null=True, blank=True)
    # 合报: every unit the item is printed for (its own among them, as a rule);
    # empty for an item of its unit alone. Set with the units' shares by
    # assessment.services.set_item_credits.
    joint_units = models.ManyToManyField(
        Department, blank=True, related_name="joint_items", verbose_name="合报单位"
    )

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "section", "position"],
                condition=Q(issue__isnull=False),
                name="item_position_unique_in_issue_section",
            ),
            models.CheckConstraint(
                condition=Q(is_urgent=False, urgent_category="", event_at__isnull=True)
                | Q(is_urgent=True, event_at__isnull=False) & ~Q(urgent_category=""),
                name="item_urgent_has_category_and_time",
                violation_error_message="紧急信息须选类别并填写事件发生时间。",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-submitted_at"]),
            models.Index(fields=["department", "status"]),
            # The inbox reads its page from here, open urgent items first.
            models.Index(
                open_urgent().desc(),
                F("submitted_at").desc(),
                F("id").desc(),
                name="item_inbox_urgent_first",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def units_label(self) -> str:
        """The unit(s) printed after the item: 开发区, or for a 合报 item
        开发区、民政局 (its own unit first). Prefetch ``joint_units``."""
        return units_label(self.department, self.joint_units.all())


def units_label(own, joint, *, name="short_name") -> str:
    """``own``'s short name, or the 合报 units ``joint`` (objects with pk,
    order, short_name) joined by 、, ``own`` first, then in the units' order.
    ``name="name"`` gives the full names, for readers who do not know 简称."""
    if not joint:
        return getattr(own, name)
    ordered = sorted(joint, key=lambda unit: (unit.pk != own.pk, unit.order, unit.pk))
    return "、".join(getattr(unit, name) for unit in ordered)


class ItemRevision(models.Model):
    """A stored text of an item: every submit and every editor save."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="revisions", verbose_name="稿件"
    )
    number = models.PositiveIntegerField("修订号")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="修改人"
    )
    note = models.CharField("说明", max_length=100, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "稿件修订"
        verbose_name_plural = "稿件修订"
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "number"], name="item_revision_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.item} · 第{self.number}稿"


class ItemEvent(TimelineEvent):
    """One step in an item's life: who, when, from → to, comment."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="events", verbose_name="稿件"
    )
    from_status = models.CharField(
        "原状态", max_length=20, choices=Item.Status.choices, blank=True
    )
    to_status = models.CharField(
        "新状态", max_length=20, choices=Item.Status.choices, blank=True
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = "稿件记录"
        verbose_name_plural = "稿件记录"
        # Statistics look up each item's first submit / last adopt by action.
        indexes = [models.Index(fields=["item", "action", "created_at"])]

    def __str__(self):
        return f"{self.item} · {self.action}"


class Attachment(StoredFile):
    """A file attached to an item."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="attachments", verbose_name="稿件"
    )
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")

    class Meta(StoredFile.Meta):
        verbose_name = "附件"
        verbose_name_plural = "附件"


class EditorImage(models.Model):
    """An image pasted into an item's text, stored privately under ``name``.

    Its uploader sees it; once the uploader saves it in an item's text, so does
    whoever may see that item. Pasting the name into another text grants
    nothing (briefing.selectors.items.visible_editor_image).
    """

    name = models.CharField("文件名", max_length=40, unique=True)
    uploaded_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    item = models.ForeignKey(
        Item,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="images",
        verbose_name="稿件",
    )

    class Meta:
        verbose_name = "正文图片"
        verbose_name_plural = "正文图片"

    def __str__(self):
        return self.name


class IssueEvent(TimelineEvent):
    """One step in an issue's life: composed, submitted, signed, corrected."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="events", verbose_name="期"
    )
    from_status = models.CharField(
        "原状态", max_length=20, choices=Issue.Status.choices, blank=True
    )
    to_status = models.CharField(
        "新状态", max_length=20, choices=Issue.Status.choices, blank=True
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = "期记录"
        verbose_name_plural = "期记录"

    def __str__(self):
        return f"{self.issue} · {self.action}"


class IssueDocument(models.Model):
    """An issued PDF, never overwritten; a correction (更正版) is a new row."""

    issue = models.ForeignKey(
        Issue, on_delete=models.PROTECT, related_name="documents", verbose_name="期"
    )
    file = models.FileField("PDF 文件", upload_to="issues/%Y/")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    # The same issue as .docx, made at the same time (none for older rows).
    docx = models.FileField("Word 文件", upload_to="issues/%Y/", blank=True)
    docx_sha256 = models.CharField("Word 文件 SHA-256", max_length=64, blank=True)
    is_correction = models.BooleanField("更正版", default=False)
    reason = models.TextField("更正原因", blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="生成人"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "签发文件"
        verbose_name_plural = "签发文件"
        ordering = ["issue", "created_at", "id"]

    def __str__(self):
        label = "更正版" if self.is_correction else "原版"
        return f"{self.issue} · {label}"


class ItemBandKey(models.Model):
    """One band key of an item's text, for finding near-duplicates
    (briefing.duplicates); kept by the services with the text."""

    # No index of its own: item_band_key_once (item, key) serves it.
    item = models.ForeignKey(
        Item,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="稿件",
        db_index=False,
    )
    key = models.BigIntegerField("键")
    # The item's created_at, copied: the check's 12-month window is then read
    # from the index with the key, without visiting each item sharing a key
    # (over a thousand per check on the benchmark's same-topic items).
    item_created_at = models.DateTimeField("稿件创建时间")

    class Meta:
        verbose_name = "查重键"
        verbose_name_plural = "查重键"
        # Covering: the lookup reads keys, times and item ids from the index.
        indexes = [
            models.Index(
                fields=["key", "item_created_at", "item"],
                name="item_band_key_lookup",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["item", "key"], name="item_band_key_once")
        ]

    def __str__(self):
        return f"{self.item_id}:{self.key}"


class ItemFingerprint(models.Model):
    """An item's body shingles as 32-bit hashes (briefing.duplicates.pack) and
    its event's facts: a near-duplicate check compares its candidates with
    these instead of reading and cutting their text again. Kept by the
    services with the text."""

    item = models.OneToOneField(
        Item,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name="稿件",
    )
    shingles = models.BinaryField("切片")
    # The event's facts (briefing.same_event.facts), one a line: the
    # 疑似同一事件 check reads them instead of the texts of a week's items.
    facts = models.TextField("事件要素", blank=True)

    class Meta:
        verbose_name = "查重指纹"
        verbose_name_plural = "查重指纹"

    def __str__(self):
        return str(self.item_id)


class DuplicateDecision(models.Model):
    """An editor's decision on a 疑似重复 pair: not the same item, go on (with
    the reason), or the other merged into this one as a 合报 item."""

    class Kind(models.TextChoices):
        PROCEED = "proceed", "不是重复，继续处理"
        MERGE = "merge", "合并为合报"

    item = models.ForeignKey(
        Item,
        on_delete=models.CASCADE,
        related_name="duplicate_decisions",
        verbose_name="稿件",
    )
    other = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="+", verbose_name="疑似重复稿件"
    )
    kind = models.CharField("决定", max_length=10, choices=Kind.choices)
    reason = models.TextField("理由")
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="决定人"
    )
    decided_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "疑似重复处理"
        verbose_name_plural = "疑似重复处理"
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "other"], name="duplicate_decision_once"
            ),
            models.CheckConstraint(
                condition=~Q(item=models.F("other")), name="duplicate_decision_pair"
            ),
        ]

    def __str__(self):
        return f"{self.item_id}/{self.other_id} · {self.get_kind_display()}"


class IssueCopy(models.Model):
    """One downloaded copy of an issue's PDF, numbered (份号) per issue."""

    issue = models.ForeignKey(
        Issue, on_delete=models.PROTECT, related_name="copies_given", verbose_name="期"
    )
    document = models.ForeignKey(
        IssueDocument, on_delete=models.PROTECT, related_name="+", verbose_name="文件"
    )
    number = models.PositiveIntegerField("份号")
    recipient = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="下载人"
    )
    # False: the unmarked original, which editors and signers may take.
    is_marked = models.BooleanField("加标记", default=True)
    created_at = models.DateTimeField("下载时间", auto_now_add=True)

    class Meta:
        verbose_name = "下载份"
        verbose_name_plural = "下载份"
        ordering = ["issue", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "number"], name="issue_copy_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.issue} · 第{self.number:06d}份"
