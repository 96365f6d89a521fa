"""Role suites: each turns the fixture cases of one role into checks (``collect(settings)``)."""
