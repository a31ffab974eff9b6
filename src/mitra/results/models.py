"""Results: data and constraints."""
