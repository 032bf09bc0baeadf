"""The ruleset language: the grammar, parsing to the model, static checks, the formatter, amendments and diffs."""
