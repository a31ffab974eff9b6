"""Finance: the project-finance model, value for money, fiscal commitments, stress tests and the
partnership report (issue 12)."""
