"""forms/report."""
