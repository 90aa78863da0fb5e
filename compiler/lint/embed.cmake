# Writes a C++ source holding the text of the Sentinel CI data files (run at build time).
# Inputs: DATA_DIR, OUTPUT.
file(GLOB files "${DATA_DIR}/*.json")
list(SORT files)
set(body "// Generated from compiler/lint/data/*.json by compiler/lint/embed.cmake. Do not edit.\n#include <cstddef>\nnamespace huntc::lint {\nstruct EmbeddedData { const char* file; const char* json; };\nextern const EmbeddedData kEmbeddedData[] = {\n")
foreach(f ${files})
  file(READ "${f}" text)
  get_filename_component(name "${f}" NAME)
  set(body "${body}  {\"${name}\", R\"huntc_json(${text})huntc_json\"},\n")
endforeach()
list(LENGTH files count)
set(body "${body}};\nextern const size_t kEmbeddedDataCount = ${count};\n}  // namespace huntc::lint\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
