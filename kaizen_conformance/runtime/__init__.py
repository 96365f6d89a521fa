"""Running untrusted implementations: time limits, process groups, the offline sandbox, tree fingerprints.

Everything here treats the code under test as hostile: calls are bounded in time, commands
are killed with their process group, output is bounded, the network is cut, and trees are
fingerprinted before and after. One process-wide audit hook (``audit``) serves every
in-process watch. It may import ``core`` and ``contract`` only.

PYTEST_DONT_REWRITE
"""
