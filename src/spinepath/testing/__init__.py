"""Hypothesis strategies and a state machine for suites that test code built on spinepath."""
