import pgtrigger
from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One security event or state change. Append-only."""

    class Result(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Deleting a user must not touch the trail (the trigger would refuse
        # the UPDATE of SET_NULL); the username column keeps who it was.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="用户",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    role = models.CharField("角色", max_length=50, blank=True)
    action = models.CharField("操作", max_length=50, db_index=True)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象编号", max_length=50, blank=True)
    result = models.CharField(
        "结果", max_length=10, choices=Result.choices, default=Result.SUCCESS
    )
    reason = models.TextField("说明", blank=True)
    source_ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-created_at", "-id"]
        permissions = [("export_auditevent", "可以导出审计事件")]
        # Append-only in the database itself, whoever connects (PostgreSQL only;
        # pgtrigger skips other databases). The table's owner could still drop
        # the triggers: the site runs as a role that owns nothing and may only
        # insert and read here (README, "数据库角色"; grant_app_role).
        triggers = [
            pgtrigger.Protect(
                name="append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
            # TRUNCATE fires no row trigger; pgtrigger's Protect cannot take it.
            pgtrigger.Trigger(
                name="no_truncate",
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                when=pgtrigger.Before,
                func="RAISE EXCEPTION 'pgtrigger: Cannot truncate % table', "
                "TG_TABLE_NAME;",
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"
