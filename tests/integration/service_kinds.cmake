# Integration tests of the service kinds: built-ins, limits, wait services.
hinetd_integration_test(builtins test_builtins.py)
hinetd_integration_test(limits test_limits.py)
hinetd_integration_test(wait test_wait.py)
