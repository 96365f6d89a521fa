"""kaizen-conformance: the kaizen scheduling contract as an executable pytest suite.

Run it with ``pytest --pyargs kaizen_conformance`` and one option per role under test
(``--kaizen-resolver=module:function``, ...). ``--kaizen-reference`` runs it on the
bundled reference implementations.

PYTEST_DONT_REWRITE: ``kaizen-conformance run`` imports this package before it starts pytest,
and pytest marks an installed plugin's package for assertion rewriting; the marker (this
package holds no assertions) keeps it from warning, on every run, that it came too late.
"""

__version__ = "0.1.0"
CONTRACT_VERSION = "1.2"  # bumped when a contract change can turn a verdict (CHANGELOG.md)

__all__ = ["CONTRACT_VERSION", "__version__"]
