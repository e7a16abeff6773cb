"""The usual levels and a first rule set, so the statistics work out of the box."""

import datetime
from decimal import Decimal

from django.db import migrations

LEVELS = [
    # name, short name, leader label, county, order, adoption, instruction points
    ("县级", "县级", "县领导", True, 10, "1", "2"),
    ("市委办/市政府办", "市级", "市领导", False, 20, "3", "5"),
    ("省委办/省政府办", "省级", "省领导", False, 30, "5", "10"),
    ("中办/国办", "中央", "中央领导", False, 40, "10", "20"),
]


def seed(apps, schema_editor):
    AdoptionLevel = apps.get_model("assessment", "AdoptionLevel")
    ScoringRuleSet = apps.get_model("assessment", "ScoringRuleSet")
    ScoringRule = apps.get_model("assessment", "ScoringRule")
    if AdoptionLevel.objects.exists():
        return
    rule_set = ScoringRuleSet.objects.create(
        valid_from=datetime.date(2020, 1, 1),
        name="考核办法",
        monthly_quota=2,
        quota_penalty=Decimal("1"),
        quota_note="扣1分并通报点名",
    )
    for name, short, leader, county, order, adoption, instruction in LEVELS:
        level = AdoptionLevel.objects.create(
            name=name,
            short_name=short,
            leader_label=leader,
            is_county=county,
            order=order,
        )
        ScoringRule.objects.create(
            rule_set=rule_set,
            level=level,
            adoption_points=Decimal(adoption),
            instruction_points=Decimal(instruction),
        )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
