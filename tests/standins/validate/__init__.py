"""Stand-ins for the validate role."""
