"""Coordination: data and constraints."""
