# Installing pagescope like a Linux tool (issue 18.1, 18.2), included from
# app/CMakeLists.txt:
#
#   bin/pagescope
#   share/man/man1/pagescope.1, pagescope-SUB.1 for each subcommand
#   share/bash-completion/completions/pagescope
#   share/zsh/vendor-completions/_pagescope
#   share/doc/pagescope/examples/demo.psc (the bundled capture, to try inspect/tui on)
#
# The man pages and completions are written at build time by the binary itself
# (`pagescope __man`, `pagescope __completion`) from the CLI11 App it parses
# with, so they list exactly what --help lists. `cpack -G DEB` packs the same
# files under /usr, with Depends from dpkg-shlibdeps.
include(GNUInstallDirs)

set(PAGESCOPE_DOCS_DIR ${CMAKE_BINARY_DIR}/cli-docs)
add_custom_command(
  OUTPUT ${PAGESCOPE_DOCS_DIR}/stamp
  # A fresh directory: a removed subcommand leaves no stale page behind.
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${PAGESCOPE_DOCS_DIR}/man1
  COMMAND pagescope __man ${PAGESCOPE_DOCS_DIR}/man1 --readme ${PROJECT_SOURCE_DIR}/README.md
  COMMAND pagescope __completion bash -o ${PAGESCOPE_DOCS_DIR}/pagescope.bash
  COMMAND pagescope __completion zsh -o ${PAGESCOPE_DOCS_DIR}/_pagescope
  COMMAND ${CMAKE_COMMAND} -E touch ${PAGESCOPE_DOCS_DIR}/stamp
  DEPENDS pagescope ${PROJECT_SOURCE_DIR}/README.md
  BYPRODUCTS ${PAGESCOPE_DOCS_DIR}/pagescope.bash ${PAGESCOPE_DOCS_DIR}/_pagescope
  COMMENT "Man pages and completions from pagescope's command-line definitions"
  VERBATIM)
add_custom_target(pagescope_cli_docs_files ALL DEPENDS ${PAGESCOPE_DOCS_DIR}/stamp)

install(TARGETS pagescope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PAGESCOPE_DOCS_DIR}/man1/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
        FILES_MATCHING PATTERN "*.1")
install(FILES ${PAGESCOPE_DOCS_DIR}/pagescope.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME pagescope)
install(FILES ${PAGESCOPE_DOCS_DIR}/_pagescope DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/data/demo.psc DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# The .deb: pagescope_<version>_<arch>.deb. Depends comes from dpkg-shlibdeps
# on the installed binary, so it names exactly the packages of the libraries it
# links (tests/install checks it against ldd). The binary is stripped (the
# build's RelWithDebInfo binary is ~70 MB of which ~65 MB is debug info). No
# conffiles and no maintainer scripts: the package owns only the files above,
# so `apt remove pagescope` leaves nothing behind.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pagescope)
set(CPACK_PACKAGE_VENDOR pagescope)
set(CPACK_PACKAGE_CONTACT "pagescope maintainers <pagescope@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Linux virtual memory tracer (eBPF): page faults, memory syscalls, reclaim, replay")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "pagescope records every page fault, memory syscall and fork/exec/exit of a workload\n"
    "with eBPF into a capture file, rebuilds address spaces and working sets from it, and\n"
    "replays it under other page-replacement policies, memory sizes and compressed tiers.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/DebCompressManPages.cmake)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
include(CPack)
