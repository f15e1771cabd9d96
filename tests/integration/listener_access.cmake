# (Named to sort after integration.cmake, which defines the function.)
# Access checks in the listener: hosts.allow/deny, only_from/no_access,
# names (fake DNS in the test's own namespace), ident.
hinetd_integration_test(access test_access.py)
