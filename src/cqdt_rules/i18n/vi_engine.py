"""The Vietnamese catalogue of the engine's messages: loading rulesets, scoring, results, streams and SQL."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
}
