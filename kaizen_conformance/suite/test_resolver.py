"""Resolver conformance (contract section 3), one item per rule and case: ``RES-002[case]``.

PYTEST_DONT_REWRITE
"""

from kaizen_conformance.session.hooks import conformance_checks

test_resolver = conformance_checks("resolver")
