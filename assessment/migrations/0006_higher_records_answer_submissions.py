"""上级采用 and 批示 typed in by hand become the feedback of 上报 records.

Each (item, level) that had such records gets one 上报 record marked
“原录入记录转入” (to the level, by whoever typed the first record, at that
time) and its records point to it. The records themselves (level, date,
publication) are untouched, so every score stays as it was.
"""

import django.db.models.deletion
from django.db import migrations, models

NOTE = "由上报功能之前录入的上级采用、批示记录转入"


def transfer(apps, schema_editor):
    HigherAdoption = apps.get_model("assessment", "HigherAdoption")
    InstructionRecord = apps.get_model("assessment", "InstructionRecord")
    Publication = apps.get_model("briefing", "Publication")
    Submission = apps.get_model("submissions", "Submission")
    SubmissionItem = apps.get_model("submissions", "SubmissionItem")
    publication = Publication.objects.order_by("-is_active", "pk").first()
    office = publication.office_name if publication else ""
    records = [
        *HigherAdoption.objects.filter(submission__isnull=True),
        *InstructionRecord.objects.filter(submission__isnull=True, source="manual"),
    ]
    records.sort(key=lambda r: (r.created_at, r.pk))
    made = {}
    for record in records:
        key = (record.item_id, record.level_id)
        submission = made.get(key)
        if submission is None:
            item = record.item
            submission = made[key] = Submission.objects.create(
                recipient=record.level.name,
                office_name=office,
                origin="transferred",
                note=NOTE,
                sent_at=record.created_at,
                created_by_id=record.created_by_id,
            )
            SubmissionItem.objects.create(
                submission=submission,
                item=item,
                position=1,
                title=item.title,
                body=item.body,
                unit_name=item.department.name,
            )
        record.submission = submission
        record.save(update_fields=["submission"])
    if schema_editor.connection.vendor == "postgresql":
        # Let the ALTER TABLE below run in this transaction: fire the deferred
        # foreign key checks of the rows just written now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def transfer_back(apps, schema_editor):
    HigherAdoption = apps.get_model("assessment", "HigherAdoption")
    InstructionRecord = apps.get_model("assessment", "InstructionRecord")
    Submission = apps.get_model("submissions", "Submission")
    transferred = Submission.objects.filter(origin="transferred")
    HigherAdoption.objects.filter(submission__in=transferred).update(submission=None)
    InstructionRecord.objects.filter(submission__in=transferred).update(
        submission=None
    )
    for submission in transferred:
        submission.entries.all().delete()
        submission.delete()
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0005_rule_set_commission_penalties"),
        ("briefing", "0008_editor_images_tied_to_items"),
        ("submissions", "0001_submission_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="higheradoption",
            name="submission",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="higher_adoptions",
                to="submissions.submission",
                verbose_name="上报记录",
            ),
        ),
        migrations.AddField(
            model_name="instructionrecord",
            name="submission",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="instruction_records",
                to="submissions.submission",
                verbose_name="上报记录",
            ),
        ),
        migrations.RunPython(transfer, transfer_back),
        migrations.AlterField(
            model_name="higheradoption",
            name="submission",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="higher_adoptions",
                to="submissions.submission",
                verbose_name="上报记录",
            ),
        ),
        migrations.AddConstraint(
            model_name="instructionrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source", "reading"),
                    ("submission__isnull", False),
                    _connector="OR",
                ),
                name="instruction_record_manual_has_submission",
            ),
        ),
    ]
