"""Stand-ins for the list role."""
