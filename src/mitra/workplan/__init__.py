"""Workplan, meetings and decisions of a partnership (issue 14)."""
