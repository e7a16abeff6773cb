"""The 审计员 role: reads and exports the audit trail, changes nothing."""

AUDITOR = "审计员"
VIEW_PERM = "audit.view_auditevent"
EXPORT_PERM = "audit.export_auditevent"
AUDITOR_PERMISSIONS = [VIEW_PERM, EXPORT_PERM]
