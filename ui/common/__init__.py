"""ui/common."""
