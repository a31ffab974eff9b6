"""``mitra staff_otp USERNAME``: give a platform staff member an authenticator-app device.

Prints the ``otpauth://`` address to add to the app (most apps also accept it typed in as the
secret it carries). ``--replace`` removes the member's existing devices first (a lost phone).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Give a platform staff member a TOTP device for the admin's one-time codes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--replace", action="store_true", help="remove existing devices")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None or not user.is_staff:
            raise CommandError(f"{options['username']!r} is not a platform staff account.")
        devices = TOTPDevice.objects.devices_for_user(user)
        if devices.exists() and not options["replace"]:
            raise CommandError("This account has a device already; --replace to change it.")
        devices.delete()
        device = TOTPDevice.objects.create(user=user, name="Mitra admin", confirmed=True)
        self.stdout.write("Add this to the authenticator app of " + user.get_username() + ":")
        self.stdout.write(device.config_url)
