# Included by the root CMakeLists.txt before any library: with PAGESCOPE_FUZZ,
# every library is compiled with libFuzzer's coverage hooks so the fuzz
# targets in this folder see inside the readers they call. Only clang has
# -fsanitize=fuzzer; with another compiler the option turns itself off.
if(PAGESCOPE_FUZZ)
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
  check_cxx_source_compiles([[
    #include <cstddef>
    #include <cstdint>
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }
  ]] PAGESCOPE_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang" OR NOT PAGESCOPE_HAVE_LIBFUZZER)
    message(STATUS "PAGESCOPE_FUZZ: ${CMAKE_CXX_COMPILER_ID} has no -fsanitize=fuzzer (clang needed); "
                   "fuzz targets skipped")
    set(PAGESCOPE_FUZZ OFF)  # for this configure; the cache keeps what was asked
  else()
    add_compile_options(-fsanitize=fuzzer-no-link)
  endif()
endif()
