"""Stand-ins for the resolver role."""
