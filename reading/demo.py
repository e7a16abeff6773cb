"""Demo data for online reading (called by core's load_demo; idempotent)."""

from briefing.models import DistributionList, DistributionRecipients, RecipientGroup

GROUPS = ["县委常委", "县人大正副主任", "副县长", "县直各单位负责人", "各乡镇主要领导"]
DEMO_MEMBERS = {"副县长": ["leader"]}


def load_reading_demo(users: dict) -> None:
    """Recipient groups, the demo leader in 副县长, and every distribution list
    (the seed one included) readable by all groups, and by every unit's clerks
    and reviewers where its lines send it to 各单位 or 各乡镇."""
    groups = []
    for order, name in enumerate(GROUPS, start=1):
        group, _ = RecipientGroup.objects.get_or_create(
            name=name, defaults={"order": order * 10}
        )
        groups.append(group)
        for username in DEMO_MEMBERS.get(name, []):
            if username in users:
                group.members.add(users[username])
    for distribution in DistributionList.objects.all():
        recipients, _ = DistributionRecipients.objects.get_or_create(
            distribution_list=distribution
        )
        recipients.groups.add(*groups)
        if _to_every_unit(distribution.lines) and not recipients.all_units:
            recipients.all_units = True
            recipients.save(update_fields=["all_units"])


def _to_every_unit(lines: str) -> bool:
    """The lines name every unit: 县直各单位, 各乡（镇）, 各乡镇 (a line may break
    inside a word, as the seed's does)."""
    text = "".join(lines.split())
    return any(word in text for word in ("各单位", "各乡"))
