"""ui/table."""
