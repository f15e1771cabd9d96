# Test helper programs used by the integration tests.
add_executable(probe ${CMAKE_CURRENT_LIST_DIR}/probe.c)
# The probe stands for an arbitrary service: never instrumented, so a
# sanitizer runtime's own calls cannot meet the seccomp policies under test.
target_compile_options(probe PRIVATE -fno-sanitize=all)
target_link_options(probe PRIVATE -fno-sanitize=all)
set_target_properties(probe PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_executable(evil_listener ${CMAKE_CURRENT_LIST_DIR}/evil_listener.c)
target_link_libraries(evil_listener PRIVATE hinetd_policy hinetd_common)
set_target_properties(evil_listener PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
# A static copy for chroot tests (needs nothing inside the new root).
add_executable(probe_static ${CMAKE_CURRENT_LIST_DIR}/probe.c)
# Never instrumented: a static binary cannot carry the sanitizer runtimes.
target_compile_options(probe_static PRIVATE -fno-sanitize=all)
target_link_options(probe_static PRIVATE -fno-sanitize=all -static)
set_target_properties(probe_static PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
# A look-up helper that misbehaves on request (test_userdb).
add_executable(evil_userdb ${CMAKE_CURRENT_LIST_DIR}/evil_userdb.c)
set_target_properties(evil_userdb PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
# A service whose only system call is exit_group(0) (the prefilter drift test).
add_executable(exit0 ${CMAKE_CURRENT_LIST_DIR}/exit0.c)
target_compile_options(exit0 PRIVATE -fno-sanitize=all -fno-stack-protector
    -ffreestanding -U_FORTIFY_SOURCE)
target_link_options(exit0 PRIVATE -fno-sanitize=all -nostdlib -static-pie)
set_target_properties(exit0 PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
