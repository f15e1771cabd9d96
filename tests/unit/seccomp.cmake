# seccomp profiles and capability names (policy/seccomp_profile.c,
# policy/caps.c).  test_seccomp_profile forks children that install the
# compiled filters and run real programs (/usr/games/fortune, cat, env, sh,
# python3) under them; it also checks docs/seccomp.md lists every group.
hinetd_unit_test(test_seccomp_profile ${CMAKE_CURRENT_LIST_DIR}/test_seccomp_profile.c)
target_compile_definitions(test_seccomp_profile PRIVATE
  HINETD_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
find_package(Threads REQUIRED)
target_link_libraries(test_seccomp_profile PRIVATE Threads::Threads)
hinetd_unit_test(test_caps ${CMAKE_CURRENT_LIST_DIR}/test_caps.c)
# The user-space run of a seccomp program (policy/seccomp_eval.c), against
# the kernel's answers for the same compiled profiles.
hinetd_unit_test(test_seccomp_eval ${CMAKE_CURRENT_LIST_DIR}/test_seccomp_eval.c)
