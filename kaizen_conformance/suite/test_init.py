"""Init conformance (contract section 6), one item per rule and case: ``INI-003[case]``.

PYTEST_DONT_REWRITE
"""

from kaizen_conformance.session.hooks import conformance_checks

test_init = conformance_checks("init")
