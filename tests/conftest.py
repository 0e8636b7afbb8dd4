"""Suite-wide settings: Hypothesis without wall-clock deadlines.

A deadline is a timed assert: on a loaded two-core machine one example can take 300 ms where it usually takes 1 ms,
and Hypothesis then reports the test as flaky. Speed is checked by the benchmark scripts, never by tests."""
from hypothesis import settings

settings.register_profile("linli", deadline=None)
settings.load_profile("linli")
