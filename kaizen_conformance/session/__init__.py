"""The pytest session of the kit: options to settings, checks to items, the prepare-golden guard.

``hooks`` holds what ``plugin.py`` delegates to; ``settings`` turns the command line, the ini
file and ``--kaizen-reference`` into one ``Settings``; ``snapshot_guard`` keeps installed
goldens read-only. It may import every layer below it (reports, roles, adapters, ...), and
nothing imports it but the plugin.

PYTEST_DONT_REWRITE
"""
