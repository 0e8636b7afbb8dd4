"""Suite-wide settings: Hypothesis without wall-clock limits.

A deadline or the too-slow health check is a timed assert: on a loaded two-core machine one example can take 300 ms
where it usually takes 1 ms, and Hypothesis then fails the test. Speed is checked by the benchmark scripts."""
from hypothesis import HealthCheck, settings

settings.register_profile("linli", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("linli")
