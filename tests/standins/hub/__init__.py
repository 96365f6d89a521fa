"""Stand-ins for the hub role."""
