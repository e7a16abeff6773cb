from django.contrib import admin

from core.admin_log import HiddenIsNotFound

from .models import (
    Attachment,
    DistributionList,
    DistributionRecipients,
    Issue,
    IssueCopy,
    IssueDocument,
    IssueEvent,
    IssueSection,
    Item,
    ItemEvent,
    ItemRevision,
    Publication,
    RecipientGroup,
    Section,
)
from .selectors.items import visible_items


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: viewable, never edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "office_name",
        "number_year",
        "last_number",
        "last_total_number",
        "is_active",
    ]
    list_filter = ["is_active", "kind"]
    search_fields = ["name", "office_name"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "office_name", "is_active"]}),
        ("篇幅", {"fields": ["target_pages", "item_length_guide"]}),
        (
            "密级",
            {
                "fields": ["default_classification", "default_secrecy_years"],
                "description": "新建的每一期默认如此标注；报头左上角只印一种标注。",
            },
        ),
        (
            "期号起点",
            {
                "fields": ["number_year", "last_number", "last_total_number"],
                "description": (
                    "签发时自动编号：印发日期与“当前编号年度”同年时，第N期 = "
                    "“本年度已用期号” + 1；到了新的一年从第1期编起。总第M期 = "
                    "“已用总期号” + 1，跨年连续。从纸质简报转入本系统时，填写已印"
                    "发的最后一期，例如 2026 年已出到第11期（总第344期），就填 2026、"
                    "11、344，下一期即为第12期（总第345期）。改动会记入审计日志。"
                ),
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        numbering = {"number_year", "last_number", "last_total_number"}
        if numbering & set(form.changed_data):
            from audit.services import record_event

            record_event(
                actor=request.user,
                action="publication_numbering_set",
                obj=obj,
                reason=f"期号起点：{obj.number_year or '未设'}年，已用第"
                f"{obj.last_number}期，已用总第{obj.last_total_number}期",
            )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(DistributionList)
class DistributionListAdmin(admin.ModelAdmin):
    list_display = ["name", "default_copies", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "lines"]


@admin.register(RecipientGroup)
class RecipientGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    filter_horizontal = ["members"]


@admin.register(DistributionRecipients)
class DistributionRecipientsAdmin(admin.ModelAdmin):
    list_display = ["distribution_list", "all_units"]
    fields = ["distribution_list", "groups", "users", "all_units", "departments"]
    filter_horizontal = ["groups", "users", "departments"]


class IssueSectionInline(ReadOnlyInline):
    model = IssueSection


class IssueEventInline(ReadOnlyInline):
    model = IssueEvent
    fields = ["created_at", "actor", "action", "from_status", "to_status", "comment"]
    readonly_fields = fields


class IssueDocumentInline(ReadOnlyInline):
    model = IssueDocument
    fields = ["created_at", "is_correction", "reason", "sha256", "size", "created_by"]
    readonly_fields = fields


class IssueCopyInline(ReadOnlyInline):
    model = IssueCopy
    fields = ["number", "recipient", "is_marked", "document", "created_at"]
    readonly_fields = fields


# Issues and items are made, edited and frozen on the site, through the
# workflow services (versions, revisions, audit events); here they are shown.
@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "publication",
        "issue_date",
        "status",
        "signed_by",
        "signed_at",
    ]
    list_filter = ["publication", "status", "year"]
    search_fields = ["publication__name", "number", "total_number"]
    date_hierarchy = "issue_date"
    inlines = [
        IssueSectionInline,
        IssueDocumentInline,
        IssueCopyInline,
        IssueEventInline,
    ]


class ItemRevisionInline(ReadOnlyInline):
    model = ItemRevision
    fields = ["number", "created_at", "author", "note", "title"]
    readonly_fields = fields


class ItemEventInline(ReadOnlyInline):
    model = ItemEvent
    fields = ["created_at", "actor", "action", "from_status", "to_status", "comment"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "size", "content_type", "uploaded_by", "created_at"]
    readonly_fields = fields


@admin.register(Item)
class ItemAdmin(HiddenIsNotFound, ReadOnlyAdmin):
    list_display = ["title", "department", "status", "submitted_at", "issue", "section"]
    list_filter = [
        "status",
        "department__kind",
        "department",
        "suggested_section",
        "keep_for_later",
    ]
    search_fields = ["title", "search_text"]
    date_hierarchy = "submitted_at"
    list_select_related = ["department", "issue__publication", "section"]
    inlines = [AttachmentInline, ItemRevisionInline, ItemEventInline]

    def get_queryset(self, request):
        # The site's rule: a unit's drafts and items still in unit review are
        # not shown here either (and answer 404).
        return super().get_queryset(request) & visible_items(request.user)


@admin.register(ItemEvent)
class ItemEventAdmin(HiddenIsNotFound, ReadOnlyAdmin):
    list_display = ["created_at", "item", "actor", "action", "from_status", "to_status"]
    list_filter = ["action", "to_status"]
    search_fields = ["item__title", "comment", "actor__username"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(item__in=visible_items(request.user))
        )


@admin.register(IssueEvent)
class IssueEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "issue",
        "actor",
        "action",
        "from_status",
        "to_status",
    ]
    list_filter = ["action", "to_status"]
    search_fields = ["comment", "actor__username"]
    date_hierarchy = "created_at"
