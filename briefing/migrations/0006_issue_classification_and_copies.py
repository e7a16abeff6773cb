"""密级 per issue (the publication sets the default) and numbered copies."""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def parse_marking(text):
    """(classification, years) for what a publication's free-text 密级 field said.

    Every issue printed 内部资料　注意保存 before whatever was typed, so text that
    names no 密级 (or none at all) stays 内部资料; text that names one keeps only
    the 密级, the stricter marking: "内部资料　注意保存　秘密★1年" becomes 秘密★1年.
    Without a period the law's longest applies (秘密 10 年, 机密 20 年).
    """
    text = text or ""
    for word, level, longest in (("机密", "confidential", 20), ("秘密", "secret", 10)):
        if word in text:
            found = re.search(word + r"\s*★\s*(\d+)\s*年", text)
            years = int(found.group(1)) if found else longest
            return level, min(max(years, 1), longest)
    return "internal", None


def from_free_text(apps, schema_editor):
    Publication = apps.get_model("briefing", "Publication")
    Issue = apps.get_model("briefing", "Issue")
    for publication in Publication.objects.all():
        level, years = parse_marking(publication.classification)
        publication.default_classification = level
        publication.default_secrecy_years = years
        publication.save(
            update_fields=["default_classification", "default_secrecy_years"]
        )
        # Issued issues printed this publication's marking: they keep it.
        Issue.objects.filter(publication=publication).update(
            classification=level, secrecy_years=years
        )


def to_free_text(apps, schema_editor):
    Publication = apps.get_model("briefing", "Publication")
    names = {"secret": "秘密", "confidential": "机密"}
    for publication in Publication.objects.all():
        level = publication.default_classification
        if level in names:
            publication.classification = (
                f"{names[level]}★{publication.default_secrecy_years}年"
            )
            publication.save(update_fields=["classification"])


class Migration(migrations.Migration):
    dependencies = [
        ("briefing", "0005_item_band_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="IssueCopy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="份号")),
                ("is_marked", models.BooleanField(default=True, verbose_name="加标记")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="下载时间"),
                ),
            ],
            options={
                "verbose_name": "下载份",
                "verbose_name_plural": "下载份",
                "ordering": ["issue", "number"],
            },
        ),
        migrations.AddField(
            model_name="issue",
            name="classification",
            field=models.CharField(
                choices=[
                    ("none", "不标注"),
                    ("internal", "内部资料\u3000注意保存"),
                    ("secret", "秘密"),
                    ("confidential", "机密"),
                ],
                default="internal",
                max_length=20,
                verbose_name="密级/标注",
            ),
        ),
        migrations.AddField(
            model_name="issue",
            name="last_copy_number",
            field=models.PositiveIntegerField(default=0, verbose_name="已发份号"),
        ),
        migrations.AddField(
            model_name="issue",
            name="secrecy_years",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="保密期限（年）"
            ),
        ),
        migrations.AddField(
            model_name="publication",
            name="default_classification",
            field=models.CharField(
                choices=[
                    ("none", "不标注"),
                    ("internal", "内部资料\u3000注意保存"),
                    ("secret", "秘密"),
                    ("confidential", "机密"),
                ],
                default="internal",
                help_text="新建的每一期默认如此标注，编辑可在组版页逐期修改。",
                max_length=20,
                verbose_name="默认密级/标注",
            ),
        ),
        migrations.AddField(
            model_name="publication",
            name="default_secrecy_years",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="仅秘密（至多 10 年）、机密（至多 20 年）填写，印作“秘密★1年”。",
                null=True,
                verbose_name="默认保密期限（年）",
            ),
        ),
        migrations.RunPython(from_free_text, to_free_text),
        migrations.RemoveField(
            model_name="publication",
            name="classification",
        ),
        migrations.AddConstraint(
            model_name="issue",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("classification__in", ["none", "internal"]),
                        ("secrecy_years__isnull", True),
                    ),
                    models.Q(
                        ("classification", "secret"),
                        ("secrecy_years__gte", 1),
                        ("secrecy_years__isnull", False),
                        ("secrecy_years__lte", 10),
                    ),
                    models.Q(
                        ("classification", "confidential"),
                        ("secrecy_years__gte", 1),
                        ("secrecy_years__isnull", False),
                        ("secrecy_years__lte", 20),
                    ),
                    _connector="OR",
                ),
                name="issue_classification_valid",
                violation_error_message="密级与保密期限不相符：秘密须写 1–10 年、机密须写 1–20 年的保密期限；不标注或“内部资料\u3000注意保存”不写保密期限。",
            ),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("default_classification__in", ["none", "internal"]),
                        ("default_secrecy_years__isnull", True),
                    ),
                    models.Q(
                        ("default_classification", "secret"),
                        ("default_secrecy_years__gte", 1),
                        ("default_secrecy_years__isnull", False),
                        ("default_secrecy_years__lte", 10),
                    ),
                    models.Q(
                        ("default_classification", "confidential"),
                        ("default_secrecy_years__gte", 1),
                        ("default_secrecy_years__isnull", False),
                        ("default_secrecy_years__lte", 20),
                    ),
                    _connector="OR",
                ),
                name="publication_classification_valid",
                violation_error_message="密级与保密期限不相符：秘密须写 1–10 年、机密须写 1–20 年的保密期限；不标注或“内部资料\u3000注意保存”不写保密期限。",
            ),
        ),
        migrations.AddField(
            model_name="issuecopy",
            name="document",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="briefing.issuedocument",
                verbose_name="文件",
            ),
        ),
        migrations.AddField(
            model_name="issuecopy",
            name="issue",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="copies_given",
                to="briefing.issue",
                verbose_name="期",
            ),
        ),
        migrations.AddField(
            model_name="issuecopy",
            name="recipient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="下载人",
            ),
        ),
        migrations.AddConstraint(
            model_name="issuecopy",
            constraint=models.UniqueConstraint(
                fields=("issue", "number"), name="issue_copy_number_unique"
            ),
        ),
    ]
