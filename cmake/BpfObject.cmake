# bpf_object(NAME SOURCE): clang -target bpf -> NAME.bpf.o -> bpftool gen skeleton
# -> NAME.skel.h in ${PAGESCOPE_SKEL_DIR}. CO-RE against vmlinux.h, which is
# generated from the running kernel's BTF when present, else taken from the
# checked-in x86-64 fallback.
find_program(BPF_CLANG NAMES clang clang-16 clang-15 clang-14)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /usr/local/sbin)
pkg_check_modules(LIBBPF IMPORTED_TARGET libbpf)
pkg_check_modules(LIBELF IMPORTED_TARGET libelf)

if(NOT BPF_CLANG OR NOT BPFTOOL OR NOT LIBBPF_FOUND OR NOT LIBELF_FOUND)
  message(WARNING "WITH_BPF: clang, bpftool, libbpf or libelf missing (run scripts/setup-deps.sh); "
                  "building without the live recorder")
  set(WITH_BPF OFF CACHE BOOL "" FORCE)
  return()
endif()

set(PAGESCOPE_SKEL_DIR ${CMAKE_BINARY_DIR}/bpf)
set(PAGESCOPE_VMLINUX_DIR ${CMAKE_BINARY_DIR}/bpf/vmlinux)
file(MAKE_DIRECTORY ${PAGESCOPE_VMLINUX_DIR})
set(PAGESCOPE_VMLINUX_H ${PAGESCOPE_VMLINUX_DIR}/vmlinux.h)
pkg_get_variable(LIBBPF_INCLUDEDIR libbpf includedir)

# The rule that makes vmlinux.h must live in the directory whose targets use
# it (CMake does not see custom-command outputs across directories), so
# bpf_object() creates it there.
function(_pagescope_vmlinux_rule)
  set(_fallback ${CMAKE_SOURCE_DIR}/bpf/vmlinux/x86/vmlinux.h)
  if(EXISTS /sys/kernel/btf/vmlinux)
    add_custom_command(OUTPUT ${PAGESCOPE_VMLINUX_H}
      COMMAND sh -c "${BPFTOOL} btf dump file /sys/kernel/btf/vmlinux format c > ${PAGESCOPE_VMLINUX_H}.tmp && mv ${PAGESCOPE_VMLINUX_H}.tmp ${PAGESCOPE_VMLINUX_H} || cp ${_fallback} ${PAGESCOPE_VMLINUX_H}"
      COMMENT "vmlinux.h from /sys/kernel/btf/vmlinux"
      VERBATIM)
  else()
    add_custom_command(OUTPUT ${PAGESCOPE_VMLINUX_H}
      COMMAND ${CMAKE_COMMAND} -E copy ${_fallback} ${PAGESCOPE_VMLINUX_H}
      DEPENDS ${_fallback}
      COMMENT "vmlinux.h from the checked-in x86-64 fallback (no /sys/kernel/btf/vmlinux)")
  endif()
endfunction()

function(bpf_object name source)
  _pagescope_vmlinux_rule()
  set(_obj ${PAGESCOPE_SKEL_DIR}/${name}.bpf.o)
  set(_skel ${PAGESCOPE_SKEL_DIR}/${name}.skel.h)
  add_custom_command(OUTPUT ${_obj}
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Wno-unused-function
            -I${PAGESCOPE_VMLINUX_DIR} -I${CMAKE_SOURCE_DIR}/bpf -I${LIBBPF_INCLUDEDIR}
            -c ${CMAKE_CURRENT_SOURCE_DIR}/${source} -o ${_obj}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${source} ${CMAKE_SOURCE_DIR}/bpf/events.h
            ${PAGESCOPE_VMLINUX_H} ${ARGN}
    COMMENT "BPF ${name}.bpf.o"
    VERBATIM)
  add_custom_command(OUTPUT ${_skel}
    COMMAND sh -c "${BPFTOOL} gen skeleton ${_obj} name ${name}_bpf > ${_skel}.tmp && mv ${_skel}.tmp ${_skel}"
    DEPENDS ${_obj}
    COMMENT "skeleton ${name}.skel.h"
    VERBATIM)
  add_custom_target(${name}_skel DEPENDS ${_skel})
endfunction()
