# inetd.conf parser unit tests (policy/inetd_conf.c).
hinetd_unit_test(test_inetd_conf ${CMAKE_CURRENT_LIST_DIR}/test_inetd_conf.c)
