"""Reads with libyaml and the schema alone: accepts what only some parsers read that way.

``version: 1.0`` passes (JSON Schema's integer accepts 1.0 in Python), ``enabled: yes`` is
YAML 1.1's true, a comment touching a closing bracket is read as a comment: each accepted,
though another conforming reader refuses it or reads it otherwise (contract section 7).
"""

from mutants.validate._parts import validator

ROLE = "validate"
KILLS = ("VAL-004",)
OPTIONS = ["--kaizen-validate={module}:validate", "--kaizen-strict", "-k", "VAL-004"]

validate = validator()
