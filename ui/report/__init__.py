"""ui/report."""
