"""Prepare conformance (contract section 4), one item per rule and invocation: ``PRE-002[case/agent]``.

PYTEST_DONT_REWRITE
"""

from kaizen_conformance.session.hooks import conformance_checks

test_prepare = conformance_checks("prepare")
