"""Goals: partners' objectives on shared levers, their conflicts, the compromise and the
negotiation record (issue 13)."""
