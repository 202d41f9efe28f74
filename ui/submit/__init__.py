"""ui/submit."""
