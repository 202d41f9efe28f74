"""The 审核台 (reviewer's desk) window."""
