from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An in-app message to one user (the bell); e-mail goes out alongside."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="接收人",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class Dispatch(models.Model):
    """One call of ``notify``: what to tell whom, written in the same transaction
    as the change it is about, fanned out by a background task after commit.

    Kept in the database (not only in the broker's queue), so a broker outage
    at commit time loses nothing: the periodic sweep queues it again.
    """

    purpose = models.CharField("用途", max_length=50)
    occasion = models.CharField("事由", max_length=120)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    recipient_ids = models.JSONField("接收人")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    fanned_out_at = models.DateTimeField("分发时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知分发"
        verbose_name_plural = "通知分发"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["fanned_out_at", "created_at"])]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """What one recipient got for one (purpose, occasion): at most one bell entry
    and one e-mail, however often a task is retried or a periodic job runs."""

    dispatch = models.ForeignKey(
        Dispatch,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="分发",
    )
    purpose = models.CharField("用途", max_length=50)
    occasion = models.CharField("事由", max_length=120)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="接收人",
    )
    notification = models.OneToOneField(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delivery",
        verbose_name="站内通知",
    )
    # The address when the notice went out; empty: no e-mail to send.
    email = models.EmailField("邮箱", blank=True)
    emailed_at = models.DateTimeField("邮件发出时间", null=True, blank=True)
    # The task sending it now, until when (notifications.services.send_emails).
    claimed_by = models.UUIDField("发送任务", null=True, blank=True)
    claimed_until = models.DateTimeField("发送占用至", null=True, blank=True)
    attempts = models.PositiveIntegerField("发送失败次数", default=0)
    last_attempt_at = models.DateTimeField("最近失败时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "通知送达"
        verbose_name_plural = "通知送达"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "occasion", "recipient"],
                name="notifications_delivery_once",
            )
        ]
        indexes = [models.Index(fields=["emailed_at", "created_at"])]

    def __str__(self):
        return f"{self.purpose} · {self.occasion} · {self.recipient}"
