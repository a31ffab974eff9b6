"""Results framework, service levels, partnership health and the CSR portfolio (issue 15)."""
