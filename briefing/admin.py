from django.contrib import admin

from .models import (
    Attachment,
    DistributionList,
    Issue,
    IssueDocument,
    IssueEvent,
    IssueSection,
    Item,
    ItemEvent,
    ItemRevision,
    Publication,
    Section,
)


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
        "office_name",
        "number_year",
        "last_number",
        "last_total_number",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "office_name"]


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


class IssueSectionInline(admin.TabularInline):
    model = IssueSection
    extra = 0


class IssueEventInline(ReadOnlyInline):
    model = IssueEvent
    fields = ["created_at", "actor", "action", "from_status", "to_status", "comment"]
    readonly_fields = fields


class IssueDocumentInline(ReadOnlyInline):
    model = IssueDocument
    fields = ["created_at", "is_correction", "reason", "sha256", "size", "created_by"]
    readonly_fields = fields


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
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
    # Numbering and sign-off happen only through the sign-off service.
    readonly_fields = [
        "status",
        "year",
        "number",
        "total_number",
        "signed_by",
        "signed_at",
        "distribution_text",
        "version",
        "created_by",
    ]
    inlines = [IssueSectionInline, IssueDocumentInline, IssueEventInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


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
class ItemAdmin(admin.ModelAdmin):
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
    # Status and placement change only through the workflow services.
    readonly_fields = [
        "status",
        "version",
        "submitted_at",
        "claimed_by",
        "claimed_at",
        "issue",
        "section",
        "position",
        "author",
        "department",
    ]
    inlines = [AttachmentInline, ItemRevisionInline, ItemEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(ItemEvent)
class ItemEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "item", "actor", "action", "from_status", "to_status"]
    list_filter = ["action", "to_status"]
    search_fields = ["item__title", "comment", "actor__username"]
    date_hierarchy = "created_at"


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
