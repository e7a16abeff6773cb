from django.core.management.base import BaseCommand

from commissions.services import send_due_reminders


class Command(BaseCommand):
    help = "发送到期的约稿催报（截止前与逾期提醒；可重复运行，每次时机只发一次）。"

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"已催报 {sent} 个单位。")
