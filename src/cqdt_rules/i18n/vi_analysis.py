"""The Vietnamese catalogue of the analyses' messages: comparisons, audits, cross-checks, versions, gaps and
shortfalls."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
}
