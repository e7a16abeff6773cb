"""Chinese names for audit actions and object types, shown to the auditor.

The list, the 操作 filter and both exports show these names. The exports keep
the codes too, because auditors filter by them. An unknown code shows as itself.
"""

from functools import cache

from django.apps import apps

# Actions recorded under a fixed code. Item and issue moves get their names from
# the labels on their own timelines (registered by briefing), so the two never disagree.
NAMED = {
    # Accounts and sign-in
    "login": "登录",
    "logout": "退出登录",
    "login_failed": "登录失败",
    "lockout": "登录锁定",
    "repeated_lockout": "账号多次被锁定",
    "session_expired": "会话到期",
    "password_change": "修改密码",
    "password_reset": "重置密码",
    "account_created": "创建账号",
    "account_disabled": "停用账号",
    "account_enabled": "启用账号",
    "account_unlocked": "解锁账号",
    "role_change": "变更角色",
    "otp_enrolled": "启用两步验证",
    "otp_verified": "两步验证通过",
    "otp_failed": "两步验证失败",
    "otp_lockout": "两步验证锁定",
    "otp_reset": "重置两步验证",
    "access_denied": "拒绝访问",
    # The admin site (django.contrib.admin's log, mirrored)
    "admin.add": "管理后台·新增",
    "admin.change": "管理后台·修改",
    "admin.delete": "管理后台·删除",
    # The audit trail itself
    "audit_export": "导出审计日志",
    # Publications, issues and their signed PDFs
    "publication_numbering_set": "刊物·设置期号起点",
    "issue_document_stored": "期·存档签发文件",
    "pdf_download": "签发文件·下载",
    "docx_download": "签发文件·下载 Word",
    "pdf_integrity_failure": "签发文件·完整性校验失败",
    # Item changes that are not on the item's timeline
    "item.attachment_add": "稿件·添加附件",
    "item.attachment_remove": "稿件·删除附件",
    # Reading and instructions (批示)
    "reading.first_read": "阅读·首次阅读",
    "reading.remind": "阅读·提醒阅读",
    "reading.instruction_write": "批示·作出批示",
    "reading.instruction_sign": "批示·签收",
    "reading.instruction_feedback": "批示·反馈落实情况",
    "reading.instruction_remind": "批示·办理时限提醒",
    # 约稿与催报
    "commission.create": "约稿·发出约稿",
    "commission.change": "约稿·修改约稿",
    "commission.answer": "约稿·写稿回应",
    "commission.remind": "约稿·催报",
    # 出刊计划与截稿
    "plan.create": "出刊计划·排出计划出刊",
    "plan.open": "出刊计划·开始组稿",
    "plan.move": "出刊计划·调整日期或截稿",
    "plan.cancel": "出刊计划·取消一期",
    "plan.remind": "出刊计划·截稿提醒",
    # 信息考核
    "submission.create": "上报·制作上报件",
    "submission.download": "上报·下载上报件",
    "submission.email": "上报·邮件发出上报件",
    "assessment.set_credits": "信息考核·设置合报份额",
    "assessment.higher_adoption_add": "信息考核·登记上级采用",
    "assessment.higher_adoption_delete": "信息考核·删除上级采用",
    "assessment.instruction_add": "信息考核·登记领导批示",
    "assessment.instruction_delete": "信息考核·删除领导批示",
    "assessment.rule_set_add": "信息考核·新增计分规则",
    "assessment.rule_set_change": "信息考核·修改计分规则",
    "assessment.bulletin_create": "信息考核·新建通报",
    "assessment.bulletin_edit": "信息考核·修改通报",
    "assessment.bulletin_refresh": "信息考核·刷新通报数据",
    "assessment.bulletin_issue": "信息考核·印发通报",
    "assessment.bulletin_pdf": "信息考核·下载通报 PDF",
    "assessment.bulletin_docx": "信息考核·下载通报 Word",
    "assessment.export": "信息考核·导出统计",
}

# The 操作 filter's groups, in this order; a code goes to the first group whose
# prefix it starts with.
GROUPS = [
    ("稿件", ("item.",)),
    ("期与签发文件", ("issue_", "pdf_", "publication_")),
    ("阅读与批示", ("reading.",)),
    ("约稿与催报", ("commission.",)),
    ("出刊计划与截稿", ("plan.",)),
    ("信息考核", ("assessment.",)),
    ("管理后台", ("admin.",)),
    ("账号、安全与其他", ("",)),
]


# Names of the codes other apps write from their own tables (the item's and the
# issue's moves), given by those apps when they load: audit sits below them.
_REGISTERED: dict[str, str] = {}


def register(labels: dict[str, str]) -> None:
    """Name action codes that another app writes; call it from its ``ready()``."""
    _REGISTERED.update(labels)


def action_label(code: str) -> str:
    """The Chinese name of an audit action code; the code itself if unknown."""
    return NAMED.get(code) or _REGISTERED.get(code, code)


def action_choices(codes) -> list:
    """``codes`` as grouped (code, Chinese name) choices for a select."""
    grouped = {title: [] for title, _ in GROUPS}
    for code in codes:
        title = next(t for t, prefixes in GROUPS if code.startswith(prefixes))
        grouped[title].append((code, action_label(code)))
    return [(title, sorted(rows)) for title, rows in grouped.items() if rows]


@cache
def _object_types() -> dict[str, str]:
    # AuditEvent.object_type is the model's model_name; these are unique here.
    return {
        model._meta.model_name: str(model._meta.verbose_name)
        for model in apps.get_models()
    }


def object_type_label(code: str) -> str:
    """The Chinese name of an audited object's type; the code itself if unknown."""
    return _object_types().get(code, code) if code else ""
