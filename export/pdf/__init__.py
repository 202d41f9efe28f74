"""export/pdf."""
