"""Demo data for 约稿 (called by core's load_demo; idempotent)."""

import datetime

from django.utils import timezone

from departments.models import Department, Membership

from .models import Commission
from .services import create_commission

TOPIC = "冬季安全生产和民生保障工作情况"
GUIDANCE = (
    "<p>请各单位围绕冬季安全生产、困难群众温暖过冬等工作，报送1～2篇信息，"
    "写清具体做法、成效和数据，每篇1000字以内。</p>"
)
# The 开发区 clerk's phone, so 催报 shows in the log as a text message too.
DEMO_MOBILES = {"kfq_clerk": "13800000000"}


def load_commission_demo(users: dict) -> None:
    """One open 约稿 to every unit, due at 17:00 three days from today."""
    for username, mobile in DEMO_MOBILES.items():
        Membership.objects.filter(user=users[username], mobile="").update(mobile=mobile)
    if Commission.objects.filter(topic=TOPIC).exists():
        return
    day = timezone.localdate() + datetime.timedelta(days=3)
    deadline = timezone.make_aware(datetime.datetime.combine(day, datetime.time(17)))
    create_commission(
        users["editor"],
        topic=TOPIC,
        guidance=GUIDANCE,
        departments=Department.objects.filter(is_active=True),
        deadline=deadline,
    )
