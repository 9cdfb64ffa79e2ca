"""Helpers shared by tests: builders of test data, not fakes of services."""
