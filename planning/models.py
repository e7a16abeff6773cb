"""出刊计划: each publication's schedule and the planned issues it makes ahead
of time, with their 截稿 (copy deadline). Data and invariants only;
``planning.services`` is the only writer.

A planned issue is not an Issue: it holds no number and no content. The editor
opens it (开始组稿), which makes the Issue (组稿中) it then refers to; the Issue
is numbered only at 签发, as any other.
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from briefing.models import Issue, Publication


class Weekday(models.IntegerChoices):
    MONDAY = 0, "星期一"
    TUESDAY = 1, "星期二"
    WEDNESDAY = 2, "星期三"
    THURSDAY = 3, "星期四"
    FRIDAY = 4, "星期五"
    SATURDAY = 5, "星期六"
    SUNDAY = 6, "星期日"


class Schedule(models.Model):
    """When a publication comes out (every N weeks on a weekday) and when its
    copy closes (截稿: a weekday and time on or before the issue day)."""

    publication = models.OneToOneField(
        Publication,
        on_delete=models.CASCADE,
        related_name="schedule",
        verbose_name="刊物",
    )
    interval_weeks = models.PositiveSmallIntegerField(
        "每几周一期",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="1 为每周一期，2 为每两周一期。",
    )
    issue_weekday = models.PositiveSmallIntegerField(
        "印发日", choices=Weekday.choices, default=Weekday.FRIDAY
    )
    deadline_weekday = models.PositiveSmallIntegerField(
        "截稿日",
        choices=Weekday.choices,
        default=Weekday.THURSDAY,
        help_text="印发日当天或之前最近的这一天。",
    )
    deadline_time = models.TimeField("截稿时间", default=datetime.time(17, 0))
    starts_on = models.DateField(
        "起始日期",
        help_text="从这天起的第一个印发日为第一期；每两周以上一期时由它定单双周。",
    )
    weeks_ahead = models.PositiveSmallIntegerField(
        "提前排出（周）",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="系统每小时把今后这么多周的各期排进出刊日历。",
    )
    reminder_hours = models.PositiveSmallIntegerField(
        "截稿前提醒（小时）",
        default=24,
        validators=[MaxValueValidator(168)],
        help_text="截稿前这么多小时，提醒本期尚未报送稿件的单位；0 为不提醒。",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "出刊计划"
        verbose_name_plural = "出刊计划"
        ordering = ["publication_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1, interval_weeks__lte=4),
                name="schedule_interval_weeks_range",
            ),
            models.CheckConstraint(
                condition=Q(issue_weekday__lte=6, deadline_weekday__lte=6),
                name="schedule_weekdays_valid",
            ),
        ]

    def __str__(self):
        return f"{self.publication.name}：{self.get_issue_weekday_display()}印发"


class PlannedIssue(models.Model):
    """One issue the schedule foresees: its date and 截稿, until it is opened
    (an Issue is made) or cancelled."""

    class Status(models.TextChoices):
        PLANNED = "planned", "计划中"
        OPENED = "opened", "已开始组稿"
        CANCELLED = "cancelled", "已取消"

    publication = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        related_name="planned_issues",
        verbose_name="刊物",
    )
    # The date the schedule gave it: with the publication, what makes a second
    # run of the planning job create nothing (moving the issue keeps it).
    slot = models.DateField("原定印发日期")
    issue_date = models.DateField("印发日期", db_index=True)
    deadline = models.DateTimeField("截稿时间", db_index=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    issue = models.OneToOneField(
        Issue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan",
        verbose_name="期",
    )
    # The 截稿 time the units were reminded of (a moved 截稿 is reminded again).
    reminded_deadline = models.DateTimeField("已提醒的截稿时间", null=True, blank=True)
    created_at = models.DateTimeField("排出时间", auto_now_add=True)

    class Meta:
        verbose_name = "计划出刊"
        verbose_name_plural = "计划出刊"
        ordering = ["issue_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "slot"], name="planned_issue_once_per_slot"
            ),
            models.CheckConstraint(
                condition=Q(status="opened", issue__isnull=False)
                | Q(status__in=["planned", "cancelled"], issue__isnull=True),
                name="planned_issue_opened_has_issue",
            ),
        ]

    def __str__(self):
        return f"{self.publication.name}（{self.issue_date:%Y-%m-%d}）"

    @property
    def current_issue_date(self):
        """The date it comes out: once opened, the issue's own (changed on the
        compose page), else the planned one."""
        return self.issue.issue_date if self.issue_id else self.issue_date
