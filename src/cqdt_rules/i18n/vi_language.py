"""The Vietnamese catalogue of the ruleset language's messages: parsing, checking, formatting, amending and
comparing rulesets."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
}
