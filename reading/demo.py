"""Demo data for online reading (called by core's load_demo; idempotent)."""

from briefing.models import DistributionList

from .models import DistributionRecipients, RecipientGroup

GROUPS = ["县委常委", "县人大正副主任", "副县长", "县直各单位负责人", "各乡镇主要领导"]
DEMO_MEMBERS = {"副县长": ["leader"]}


def load_reading_demo(users: dict) -> None:
    """Recipient groups, the demo leader in 副县长, and every distribution list
    (the seed one included) readable by all groups."""
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
