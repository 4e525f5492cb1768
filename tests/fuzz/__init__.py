"""Helpers of tests/test_fuzz.py: the mutator, the output checks and the CLI driver."""
