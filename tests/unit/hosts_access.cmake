# Access engine unit tests (policy/hosts_parse.c, hosts_eval.c,
# hosts_options.c, hosts_wire.c).
hinetd_unit_test(test_hosts_access ${CMAKE_CURRENT_LIST_DIR}/test_hosts_access.c)
