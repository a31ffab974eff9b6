"""Lifecycle of each form: stages, steps, gates and sign-offs (issue 14)."""
