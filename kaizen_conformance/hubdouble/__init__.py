"""The hub double: the one mocked state-hub, and the two ways its answers reach a resolver.

``responder`` decides every answer from a case's records; ``transport`` routes httpx requests
to it in-process (respx); ``server`` serves it on 127.0.0.1. The reference hub builds on
``responder`` too. It imports nothing else of the kit.

PYTEST_DONT_REWRITE
"""
