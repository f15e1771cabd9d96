# privd's spawn path (privd/spawn.c, privd/spawn_slot.c): the child's slot
# holds deep copies, slots are freed exactly when the child can no longer
# touch them, and a real CLONE_VM child execs or reports its failed step;
# a filter thread (privd/spawn_prefilter.c) takes more requests than its
# ring holds.  Runs as root (the child changes its credentials).
hinetd_unit_test(test_spawn ${CMAKE_CURRENT_LIST_DIR}/test_spawn.c
  ${CMAKE_SOURCE_DIR}/privd/spawn.c ${CMAKE_SOURCE_DIR}/privd/spawn_slot.c
  ${CMAKE_SOURCE_DIR}/privd/spawn_bset.c ${CMAKE_SOURCE_DIR}/privd/spawn_plan.c
  ${CMAKE_SOURCE_DIR}/privd/spawn_prefilter.c
  ${CMAKE_SOURCE_DIR}/privd/thread_attr.c)
find_package(Threads REQUIRED)
target_link_libraries(test_spawn PRIVATE Threads::Threads)
