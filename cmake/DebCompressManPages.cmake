# Run by cpack (CPACK_PRE_BUILD_SCRIPTS) on the staged files before they are
# packed: Debian policy 12.1 wants man pages compressed with `gzip -9n` (-n: no
# name or time stamp, so the package is reproducible). man reads them either way;
# `cmake --install` keeps them plain.
file(GLOB_RECURSE pages "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/man*/*.[1-9]")
foreach(page IN LISTS pages)
  execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip -9n ${page} failed")
  endif()
endforeach()
