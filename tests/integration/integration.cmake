# Integration tests: the real daemon, as root, in a private network and
# mount namespace (unshare), over real loopback sockets.
find_program(UNSHARE unshare REQUIRED)
find_program(PYTHON3 python3 REQUIRED)
# Each script runs twice, with the same assertions: integration.NAME runs
# hinetd -d (foreground, log on stderr), integration.NAME.syslog runs it as
# deployed (detached, logging to a /dev/log the harness provides).
function(hinetd_integration_test name script)
  foreach(mode debug syslog)
    if(mode STREQUAL "debug")
      set(tname integration.${name})
    else()
      set(tname integration.${name}.${mode})
    endif()
    add_test(NAME ${tname}
             COMMAND ${UNSHARE} --net --mount --
                     ${CMAKE_COMMAND} -E env HINETD_IN_NETNS=1
                     HINETD_TEST_MODE=${mode}
                     HINETD_BIN=${CMAKE_BINARY_DIR}/bin
                     HINETD_TESTBIN=${CMAKE_BINARY_DIR}/tests
                     HINETD_LIBEXECDIR=${HINETD_LIBEXECDIR}
                     ${PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/${script})
    set_tests_properties(${tname} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
  endforeach()
endfunction()
hinetd_integration_test(core test_core.py)
hinetd_integration_test(sandbox test_sandbox.py)
hinetd_integration_test(lifecycle test_lifecycle.py)
