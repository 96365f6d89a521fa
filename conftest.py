"""Root conftest of the kit's own test suite: pytester drives the plugin like a user would."""

pytest_plugins = ["pytester"]
