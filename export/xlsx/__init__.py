"""export/xlsx."""
