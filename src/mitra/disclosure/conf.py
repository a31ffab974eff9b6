"""Settings of the open-data export, with their defaults (set from the environment in config/settings/base.py; README "Configuration").

- ``MITRA_OCID_PREFIX``: the OCID prefix registered with the Open Contracting Partnership
  (https://standard.open-contracting.org/1.1/en/schema/identifiers/#contracting-process-identifier-ocid).
  The default ``ocds-mitra00`` is a placeholder: register a real prefix before publishing.
- ``MITRA_OC4IDS_PREFIX``: the OC4IDS project-id prefix (same idea; default ``oc4ids-mitra0``).
- ``MITRA_PUBLIC_URL``: the public base URL of the portal (no trailing slash), used for the
  absolute links in the exports (package URIs, project pages, document downloads).
- ``MITRA_PUBLISHER_NAME``: the publisher named in every package.
"""

from __future__ import annotations

from django.conf import settings


def ocid_prefix() -> str:
    return str(getattr(settings, "MITRA_OCID_PREFIX", "ocds-mitra00"))


def oc4ids_prefix() -> str:
    return str(getattr(settings, "MITRA_OC4IDS_PREFIX", "oc4ids-mitra0"))


def public_url() -> str:
    return str(getattr(settings, "MITRA_PUBLIC_URL", "http://localhost:8000")).rstrip("/")


def publisher_name() -> str:
    return str(getattr(settings, "MITRA_PUBLISHER_NAME", "Mitra"))
