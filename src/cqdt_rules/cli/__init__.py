"""The ``cqdt`` command line: argument parsing, one module per family of commands."""
