"""What the province asks of results: comparisons, gaps, audits, cross-checks, versions, the section IV summary."""
