# The git revision `pagescope --version` names, read at every build rather than
# at configure time, so a binary built after a commit or an edit says so.
#
# Included: pagescope_git_revision(TARGET) adds a step that writes
# <binary dir>/generated/pagescope_revision.h (PAGESCOPE_GIT_REVISION) before
# TARGET compiles. The header is rewritten only when the text changes, so an
# unchanged revision recompiles nothing.
#
# Run as a script (cmake -DSOURCE_DIR=... -DOUTPUT=... [-DFALLBACK=...] -P this):
# writes that header. `git describe --always --dirty --broken`: --broken makes
# git find "dirty" with a `git diff-index` child instead of refreshing the
# index under index.lock, so a build never makes a concurrent `git commit` fail.
# Outside a git checkout (a release tarball) the revision is FALLBACK, from the
# cache variable PAGESCOPE_GIT_REVISION, or says it is unknown.

if(CMAKE_SCRIPT_MODE_FILE)
  set(rev "")
  find_program(GIT_EXECUTABLE git)
  # Only this source tree's own repository: a tarball unpacked inside some
  # other checkout must not report that checkout's revision.
  if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
    execute_process(COMMAND "${GIT_EXECUTABLE}" describe --always --dirty --broken
                    WORKING_DIRECTORY "${SOURCE_DIR}"
                    OUTPUT_VARIABLE rev RESULT_VARIABLE rc
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(NOT rc EQUAL 0)
      set(rev "")
    endif()
  endif()
  if(rev STREQUAL "")
    if(FALLBACK)
      set(rev "${FALLBACK}")
    else()
      set(rev "unknown, not built from a git checkout")
    endif()
  endif()
  string(REPLACE "\"" "" rev "${rev}")
  set(text "// Written by cmake/GitRevision.cmake at build time.\n#define PAGESCOPE_GIT_REVISION \"${rev}\"\n")
  set(old "")
  if(EXISTS "${OUTPUT}")
    file(READ "${OUTPUT}" old)
  endif()
  if(NOT old STREQUAL text)
    file(WRITE "${OUTPUT}" "${text}")
  endif()
  return()
endif()

set(PAGESCOPE_GIT_REVISION "" CACHE STRING
    "Revision `pagescope --version` names when the source is not a git checkout")

function(pagescope_git_revision target)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/generated)
  add_custom_target(${target}_revision
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUTPUT=${dir}/pagescope_revision.h
            -DFALLBACK=${PAGESCOPE_GIT_REVISION} -P ${CMAKE_CURRENT_FUNCTION_LIST_FILE}
    BYPRODUCTS ${dir}/pagescope_revision.h
    COMMENT "" VERBATIM)
  add_dependencies(${target} ${target}_revision)
  target_include_directories(${target} PRIVATE ${dir})
endfunction()
