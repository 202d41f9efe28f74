"""forms/table."""
