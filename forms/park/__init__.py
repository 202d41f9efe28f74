"""forms/park."""
