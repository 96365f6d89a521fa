"""Validate conformance (contract section 6), one item per rule and corpus case: ``VAL-002[case]``.

PYTEST_DONT_REWRITE
"""

from kaizen_conformance.session.hooks import conformance_checks

test_validate = conformance_checks("validate")
