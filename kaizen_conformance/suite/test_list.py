"""schedule list conformance (contract section 6b), one item per rule and case: ``LST-001[case]``.

PYTEST_DONT_REWRITE
"""

from kaizen_conformance.session.hooks import conformance_checks

test_list = conformance_checks("list")
