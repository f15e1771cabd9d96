# common/userdb.c: look-ups through the hinetd-userdb helper give the same
# answers as in-process ones, the helper holds only its socket, and a dead
# or misbehaving helper fails look-ups instead of falling back in-process.
hinetd_unit_test(test_userdb ${CMAKE_CURRENT_LIST_DIR}/test_userdb.c)
add_dependencies(test_userdb hinetd-userdb evil_userdb)
target_compile_definitions(test_userdb PRIVATE
  HINETD_USERDB_PATH="$<TARGET_FILE:hinetd-userdb>"
  HINETD_EVIL_USERDB_PATH="$<TARGET_FILE:evil_userdb>")
