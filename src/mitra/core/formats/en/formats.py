"""English formats: Django's, with the time zone's abbreviation after a time (WIB/WITA/WIT)."""

DATETIME_FORMAT = "j M Y H:i T"
SHORT_DATETIME_FORMAT = "m/d/Y H:i T"
