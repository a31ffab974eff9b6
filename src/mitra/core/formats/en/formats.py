"""English formats: Django's, with the time zone's abbreviation after a time (WIB/WITA/WIT), and
short dates day first (31/12/2026), as in Indonesia, in the exports and in the period labels:
Django's American month-first default put 12/07/2026 (7 December) beside 01/06/2025–31/05/2026
on one page. Typed dates are read day first too (ISO 2026-12-31 always)."""

DATETIME_FORMAT = "j M Y H:i T"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i T"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
