"""Opens .kaizen/schedule.yml wherever its symlinks lead, even outside the checkout."""

from mutants.validate._parts import read_through_links, validator

ROLE = "validate"
KILLS = ("SCH-006", "VAL-001")
OPTIONS = ["--kaizen-validate={module}:validate"]

validate = validator(read=read_through_links)
