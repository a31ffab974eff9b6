"""Workplan: data and constraints."""
