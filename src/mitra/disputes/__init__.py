"""Disputes, grievances, political events and exposure (issue 16)."""
