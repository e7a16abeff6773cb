"""Forms for writing and handling items; every field has a Chinese label."""

from django import forms
from django_ckeditor_5.widgets import CKEditor5Widget

from briefing import urgent
from briefing.models import Item, Section, UrgentCategory
from briefing.selectors.issues import expected_number_labels
from briefing.selectors.items import open_issues
from briefing.uploads import ATTACHMENT_TYPES, check_upload
from core.forms import HiddenErrorsOnTop, VersionField
from core.widgets import ListTextarea, limited_text_field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AttachmentsFormMixin(forms.Form):
    """The 附件 field of the clerk's and the editor's forms, checked by content."""

    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text="可多选；支持 "
        + "、".join(ATTACHMENT_TYPES)
        + "，单个文件上限见下。",
    )

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        for uploaded in files:
            check_upload(uploaded)
        return files


class ItemForm(HiddenErrorsOnTop, AttachmentsFormMixin, forms.Form):
    """The clerk's form. ``version`` is the version it was loaded at: required
    when an existing item is edited (``editing``), absent for a new one."""

    title = limited_text_field("标题", 200)
    body = forms.CharField(
        label="正文",
        required=False,
        widget=CKEditor5Widget(config_name="item"),
    )
    suggested_section = forms.ModelChoiceField(
        label="建议栏目",
        queryset=Section.objects.filter(is_active=True),
        required=False,
        empty_label="（不指定）",
    )
    contact_name = forms.CharField(label="联系人", max_length=30, required=False)
    contact_phone = forms.CharField(label="电话", max_length=30, required=False)
    is_urgent = forms.BooleanField(label="紧急信息", required=False)
    urgent_category = forms.ChoiceField(
        label="紧急信息类别",
        choices=[("", "（请选择）"), *UrgentCategory.choices],
        required=False,
    )
    event_at = forms.DateTimeField(
        label="事件发生时间",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    word_file = forms.FileField(
        label="导入Word（.docx）",
        required=False,
        help_text=(
            "选择 .docx 文件后点“导入Word”，正文将被文件内容替换"
            "（保留段落，去掉 Word 格式）。"
        ),
    )
    pasted_text = forms.CharField(
        label="粘贴带硬换行的文字",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "从 PDF 等处复制的文字每行断开时，粘贴到这里，"
            "点“合并硬换行”即拼回段落并追加到正文。"
        ),
    )
    version = VersionField(required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = editing
        self.fields["is_urgent"].help_text = (
            f"突发事件等紧急情况：按规定{urgent.rule_text()}。"
            "紧急信息排在编辑收稿箱最前，并即时通知编辑。"
        )

    def clean(self):
        data = super().clean()
        if data.get("is_urgent"):
            if not data.get("urgent_category"):
                self.add_error("urgent_category", "紧急信息请选择类别。")
            if not data.get("event_at") and "event_at" not in self.errors:
                self.add_error("event_at", "紧急信息请填写事件发生时间。")
        return data

    def clean_word_file(self):
        uploaded = self.cleaned_data.get("word_file")
        if uploaded:
            check_upload(uploaded, {"docx": ATTACHMENT_TYPES["docx"]})
        return uploaded

    def item_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data.get("body") or "",
            "suggested_section": data.get("suggested_section"),
            "contact_name": data.get("contact_name") or "",
            "contact_phone": data.get("contact_phone") or "",
            "is_urgent": bool(data.get("is_urgent")),
            "urgent_category": data.get("urgent_category") or "",
            "event_at": data.get("event_at"),
        }

    @classmethod
    def initial_for(cls, item: Item) -> dict:
        return {
            "title": item.title,
            "body": item.body,
            "suggested_section": item.suggested_section_id,
            "contact_name": item.contact_name,
            "contact_phone": item.contact_phone,
            "is_urgent": item.is_urgent,
            "urgent_category": item.urgent_category,
            "event_at": item.event_at,
            "version": item.version,
        }


class EditorItemForm(HiddenErrorsOnTop, AttachmentsFormMixin, forms.Form):
    """The editor's copy-edit of title and body, and files to attach."""

    title = limited_text_field("标题", 200)
    body = forms.CharField(
        label="正文", required=False, widget=CKEditor5Widget(config_name="item")
    )
    note = forms.CharField(
        label="修改说明", max_length=100, required=False, help_text="可不填。"
    )
    version = VersionField()


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="退回意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": "请填写退回意见：告诉信息员哪里需要修改、怎样修改，"
            "意见会随退回通知发给信息员。"
        },
    )
    version = VersionField(required=False)


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="审核意见（可不填）",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text="信息员和编辑都能看到。",
    )
    version = VersionField(required=False)


class NotUseForm(forms.Form):
    reason = forms.CharField(
        label="不采用原因",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "请填写不采用原因，信息员会收到这条原因。"},
    )
    keep_for_later = forms.BooleanField(label="存档备用", required=False)
    version = VersionField(required=False)


def _issue_field(**kwargs):
    """A choice of the issues being composed, each named with the number it
    will get (two open issues of one publication must not read the same)."""
    field = forms.ModelChoiceField(label="采用到期", queryset=open_issues(), **kwargs)
    issues = list(field.queryset)
    numbers = expected_number_labels(issues)
    # The first issue being composed is chosen (the pool only when asked for).
    field.initial = issues[0].pk if issues else None
    field.label_from_instance = lambda issue: (
        f"{issue.publication.name} {numbers.get(issue.pk, '')}"
        f"（{issue.issue_date:%Y-%m-%d}，组稿中）"
    )
    return field


class AdoptForm(forms.Form):
    """采用: into a section of an issue being composed, or (no issue chosen)
    into the pool, 已采用待编入."""

    section = forms.ModelChoiceField(
        label="栏目",
        queryset=Section.objects.filter(is_active=True),
        required=False,
        help_text="编入一期时必选。",
    )
    version = VersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"] = _issue_field(
            required=False, empty_label="暂不编入（放入待编池）"
        )
        self.order_fields(["issue", "section", "version"])

    def clean(self):
        data = super().clean()
        if data.get("issue") and not data.get("section"):
            self.add_error("section", "编入一期时请选择栏目。")
        return data


class PlaceForm(forms.Form):
    """编入本期: a pooled item into a section of an issue being composed."""

    section = forms.ModelChoiceField(
        label="栏目", queryset=Section.objects.filter(is_active=True)
    )
    version = VersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"] = _issue_field(empty_label=None)
        self.fields["issue"].label = "编入的期"
        self.order_fields(["issue", "section", "version"])


class InboxBatchForm(forms.Form):
    """收稿箱的批量处理: one move, with one text, on each ticked item."""

    ACTIONS = {
        "adopt": "采用（入待编池）",
        "return": "退回",
        "not_use": "不采用",
    }
    # At most a page of the inbox and then some: each is its own transaction.
    MAX_ITEMS = 100

    move = forms.ChoiceField(
        label="操作",
        choices=list(ACTIONS.items()),
        error_messages={
            "required": "请点击要做的操作。",
            "invalid_choice": "无法识别的操作，请刷新页面后重试。",
        },
    )
    comment = forms.CharField(
        label="退回意见（退回时必填，所选稿件共用）",
        widget=ListTextarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    reason = forms.CharField(
        label="不采用原因（不采用时必填，所选稿件共用）",
        widget=ListTextarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def clean(self):
        data = super().clean()
        move = data.get("move")
        if move == "return" and not data.get("comment", "").strip():
            self.add_error(
                "comment", "请填写退回意见：它会随退回通知发给每篇稿件的信息员。"
            )
        if move == "not_use" and not data.get("reason", "").strip():
            self.add_error("reason", "请填写不采用原因，信息员会收到这条原因。")
        return data

    def text(self) -> str:
        """The 退回意见 or 不采用原因 shared by every ticked item ("" for 采用)."""
        field = {"return": "comment", "not_use": "reason"}.get(
            self.cleaned_data["move"]
        )
        return self.cleaned_data[field].strip() if field else ""


def ticked_items(values) -> dict[int, int]:
    """The ticked rows, ``"pk:version"`` each, as {pk: version}; rows that do
    not parse are left out (a forged value moves nothing)."""
    ticked = {}
    for value in values[: InboxBatchForm.MAX_ITEMS]:
        pk, _, version = str(value).partition(":")
        # Nine digits at most: a huge number is no id (and int() refuses some).
        if pk.isdigit() and version.isdigit() and max(len(pk), len(version)) <= 9:
            ticked[int(pk)] = int(version)
    return ticked


class VersionForm(forms.Form):
    """For moves without input: carries the version the page showed."""

    version = VersionField(required=False)


class DuplicateProceedForm(forms.Form):
    """疑似重复: the editor judges the two items different and goes on."""

    reason = forms.CharField(
        label="不是重复的理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={
            "required": "请填写理由：为什么这两篇不是重复稿件（会记入处理记录）。"
        },
    )
