"""Stand-ins for the init role."""
