hinetd_unit_test(test_core_codec ${CMAKE_CURRENT_LIST_DIR}/test_core_codec.c)
