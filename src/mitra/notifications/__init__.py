"""In-app and e-mail notifications and the activity feed (issue 14)."""
