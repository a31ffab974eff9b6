"""Disputes: data and constraints."""
