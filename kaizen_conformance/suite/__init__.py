"""The conformance suite: ``pytest --pyargs kaizen_conformance`` collects these modules."""
