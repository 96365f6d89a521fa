"""Golden fixture cases: where they live, how they are read, checked and materialised.

A case is data a contributor writes without Python (``fixtures/<role>/<id>/case.yml`` plus
checkouts); this package turns it into typed cases and lays each out afresh under pytest's
tmp_path, never touching the sources. It also holds the prepare goldens and the fixture lint.
It may import ``core`` and ``contract`` only: cases know nothing of implementations.

PYTEST_DONT_REWRITE
"""
