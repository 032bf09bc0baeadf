"""The Vietnamese catalogue of the messages about unit data: the model's checks of units (codes, parents, values,
numbers) and the readers (CSV, YAML, XLSX workbooks, JSON bodies, records)."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
}
