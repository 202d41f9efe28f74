"""Word (.docx) output: what parks paste into the report they assemble in Word or WPS (python-docx)."""
