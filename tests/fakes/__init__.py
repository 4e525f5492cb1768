"""Loopback fakes of the outside services our real client code calls (nothing reaches the
internet in the test suite). Tests import them explicitly; there is no conftest magic."""
