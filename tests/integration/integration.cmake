# Integration tests: the real daemon, as root, in a private network and
# mount namespace (unshare), over real loopback sockets.
find_program(UNSHARE unshare REQUIRED)
find_program(PYTHON3 python3 REQUIRED)
function(hinetd_integration_test name script)
  add_test(NAME integration.${name}
           COMMAND ${UNSHARE} --net --mount --
                   ${CMAKE_COMMAND} -E env HINETD_IN_NETNS=1
                   HINETD_BIN=${CMAKE_BINARY_DIR}/bin
                   HINETD_TESTBIN=${CMAKE_BINARY_DIR}/tests
                   HINETD_LIBEXECDIR=${HINETD_LIBEXECDIR}
                   ${PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/${script})
  set_tests_properties(integration.${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endfunction()
hinetd_integration_test(core test_core.py)
hinetd_integration_test(sandbox test_sandbox.py)
