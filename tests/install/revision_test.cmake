# cmake/GitRevision.cmake, run as the build runs it: the git revision of a
# checkout, and outside one (a release tarball) the -DPAGESCOPE_GIT_REVISION
# fallback or "unknown". Run by ctest: cmake -DSOURCE=... -DWORK=... -P this.
function(revision_of source fallback out)
  execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${source} -DOUTPUT=${WORK}/revision.h
                          -DFALLBACK=${fallback} -P ${SOURCE}/cmake/GitRevision.cmake
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "GitRevision.cmake failed for ${source}")
  endif()
  file(STRINGS ${WORK}/revision.h line REGEX "^#define PAGESCOPE_GIT_REVISION ")
  string(REGEX REPLACE "^#define PAGESCOPE_GIT_REVISION \"(.*)\"$" "\\1" rev "${line}")
  set(${out} "${rev}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/not-a-checkout)

revision_of(${WORK}/not-a-checkout "" rev)
if(NOT rev STREQUAL "unknown, not built from a git checkout")
  message(FATAL_ERROR "outside a checkout: '${rev}'")
endif()
revision_of(${WORK}/not-a-checkout "v0.1.0-tarball" rev)
if(NOT rev STREQUAL "v0.1.0-tarball")
  message(FATAL_ERROR "with a fallback: '${rev}'")
endif()
find_program(GIT git)
if(GIT AND EXISTS ${SOURCE}/.git)
  revision_of(${SOURCE} "ignored" rev)
  execute_process(COMMAND ${GIT} rev-parse --short HEAD WORKING_DIRECTORY ${SOURCE}
                  OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE)
  # A commit made between the two calls is the only way these differ.
  if(NOT rev MATCHES "^([^ ]+-g)?${head}(-dirty)?$" AND NOT rev MATCHES "^v[0-9]")
    message(FATAL_ERROR "in the checkout: '${rev}', HEAD is ${head}")
  endif()
endif()
message(STATUS "revision: ${rev}")
