"""Matching: the public needs board, offers on needs, suggested partners and funding sources
(issue 17)."""
