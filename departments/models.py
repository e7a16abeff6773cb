from django.conf import settings
from django.db import models


class Department(models.Model):
    """A reporting unit (报送单位) that sends items in."""

    class Kind(models.TextChoices):
        COUNTY = "county", "县直单位"
        TOWNSHIP = "township", "乡镇"
        SUBDISTRICT = "subdistrict", "街道"
        ZONE = "zone", "功能区"

    name = models.CharField("全称", max_length=100, unique=True)
    short_name = models.CharField(
        "简称", max_length=30, help_text="印在稿件末尾的括号中，如“开发区”。"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)
    requires_unit_review = models.BooleanField(
        "需单位审核",
        default=False,
        help_text="勾选后，信息员提交的稿件先由本单位审核人审核，再报送编辑。",
    )
    urgent_skips_review = models.BooleanField(
        "紧急信息免单位审核",
        default=False,
        help_text="勾选后，标为紧急的稿件不经本单位审核，提交即报送编辑。",
    )

    class Meta:
        verbose_name = "报送单位"
        verbose_name_plural = "报送单位"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's role in their one unit: clerk (信息员) or unit reviewer."""

    class Role(models.TextChoices):
        CLERK = "clerk", "信息员"
        REVIEWER = "reviewer", "单位审核人"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name="用户",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name="单位",
    )
    role = models.CharField("单位角色", max_length=20, choices=Role.choices)
    mobile = models.CharField(
        "手机号码", max_length=20, blank=True, help_text="催报等短信提醒发到这里。"
    )

    class Meta:
        verbose_name = "单位成员"
        verbose_name_plural = "单位成员"

    def __str__(self):
        return f"{self.department.short_name} · {self.get_role_display()} · {self.user}"
