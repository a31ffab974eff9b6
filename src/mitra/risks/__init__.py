"""Risks: the register, allocation, Monte Carlo and charts of a partnership (issue 11)."""
