"""The reviewer's desk: receive, verify and consolidate the parks' packages (no Qt)."""
