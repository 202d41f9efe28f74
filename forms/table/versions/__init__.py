"""forms/table/versions."""
