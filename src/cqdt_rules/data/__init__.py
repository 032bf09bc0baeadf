"""Unit data in and out of files: YAML, CSV and the Excel data-entry forms."""
