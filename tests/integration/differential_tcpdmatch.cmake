# Differential test of the access engine: hinetd-match against the real
# tcpdmatch(8) on random hosts.allow / hosts.deny pairs and clients
# (tests/integration/differential_tcpdmatch.py).  Root only (it runs in
# its own network and mount namespace); skipped (77) without root or
# without tcpdmatch.
find_program(PYTHON3 python3 REQUIRED)
add_test(NAME integration.differential_tcpdmatch
         COMMAND ${CMAKE_COMMAND} -E env HINETD_BIN=${CMAKE_BINARY_DIR}/bin
                 ${PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/differential_tcpdmatch.py)
set_tests_properties(integration.differential_tcpdmatch PROPERTIES
                     SKIP_RETURN_CODE 77 TIMEOUT 300)
