"""Stand-ins for the prepare role."""
