from django import forms

from .models import Submission


class SubmissionForm(forms.Form):
    """The 上报件: which items (from ``candidates``), to whom, from whom."""

    items = forms.ModelMultipleChoiceField(
        label="上报的稿件",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一篇稿件。"},
    )
    recipient = forms.CharField(
        label="报送对象", max_length=100, initial="市委办信息科"
    )
    office_name = forms.CharField(label="报送单位", max_length=100)
    contact_name = forms.CharField(label="联系人", max_length=30)
    contact_phone = forms.CharField(label="联系电话", max_length=30)
    layout = forms.ChoiceField(
        label="文件形式",
        choices=Submission.Layout.choices,
        initial=Submission.Layout.COMBINED,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(
        label="发送到邮箱（可不填）",
        required=False,
        help_text="填写后由系统把上报件作为附件发到此邮箱；不填也可随时下载。",
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, candidates, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = candidates
        self.fields["items"].label_from_instance = lambda item: (
            f"{item.title}（{item.department.short_name}）"
        )

    def chosen_items(self):
        """The chosen items in the order they are listed on the form."""
        chosen = {item.pk for item in self.cleaned_data["items"]}
        return [item for item in self.fields["items"].queryset if item.pk in chosen]
