"""The Vietnamese catalogue of the messages of the tools built on the analyses: ruleset tests and synthetic data
(authoring), reports, the HTTP service and the command line."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
}
