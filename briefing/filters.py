"""The editors' inbox filters (django-filter)."""

import django_filters
from django.db.models import Q

from briefing.models import Item, Section
from core.widgets import ListDateInput, ListSelect, ListTextInput
from departments.models import Department


class InboxFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键词", method="filter_keyword", widget=ListTextInput
    )
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=Item.Status.choices,
        empty_label="全部状态",
        widget=ListSelect,
    )
    department = django_filters.ModelChoiceFilter(
        label="报送单位",
        queryset=Department.objects.filter(is_active=True),
        empty_label="全部单位",
        widget=ListSelect,
    )
    suggested_section = django_filters.ModelChoiceFilter(
        label="建议栏目",
        queryset=Section.objects.filter(is_active=True),
        empty_label="全部栏目",
        widget=ListSelect,
    )
    submitted_from = django_filters.DateFilter(
        label="报送日期从",
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=ListDateInput(attrs={"type": "date"}),
    )
    submitted_to = django_filters.DateFilter(
        label="报送日期至",
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=ListDateInput(attrs={"type": "date"}),
    )
    ordering = django_filters.OrderingFilter(
        label="排序",
        fields=(
            ("submitted_at", "submitted_at"),
            ("updated_at", "updated_at"),
            ("title", "title"),
            ("department__order", "department"),
        ),
        field_labels={
            "submitted_at": "报送时间（早→晚）",
            "-submitted_at": "报送时间（晚→早）",
            "updated_at": "最后修改（早→晚）",
            "-updated_at": "最后修改（晚→早）",
            "title": "标题",
            "-title": "标题（倒序）",
            # Ascending labels are keyed by the field, descending by "-" + name.
            "department__order": "报送单位",
            "-department": "报送单位（倒序）",
        },
        empty_label="默认（报送时间晚→早）",
        widget=ListSelect,
    )

    class Meta:
        model = Item
        fields = ["q", "status", "department", "suggested_section"]

    def __init__(self, data, queryset, *, units, sections):
        """``units``, ``sections``: every unit and section as the page read
        them (``selectors.items.units_and_sections``), listed instead of a
        query per field; the one chosen is still looked up in the database."""
        super().__init__(data, queryset=queryset)
        self._choices = {"department": units, "suggested_section": sections}

    _form_class = None

    def get_form_class(self):
        # Its fields follow from the filters as declared, nothing of the request
        # or the rows: the class is built once per process, as a form class
        # written out would be (django-filter builds it on every request).
        if InboxFilter._form_class is None:
            InboxFilter._form_class = super().get_form_class()
        return InboxFilter._form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, rows in self._choices.items():
                field = form.fields[name]
                # What the field would list: its empty label, then each row of
                # its queryset (the active ones, in the model's order).
                field.widget.choices = [("", field.empty_label)] + [
                    (row.pk, field.label_from_instance(row))
                    for row in rows
                    if row.is_active
                ]
        return self._form

    def filter_keyword(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(Q(search_text__icontains=word))
        return queryset
