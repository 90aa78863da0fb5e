# Writes a C++ source holding the text of every schema file (run at build time).
# Inputs: SCHEMA_DIR, OUTPUT.
file(GLOB files "${SCHEMA_DIR}/*.json")
list(SORT files)
set(body "// Generated from schemas/*.json by compiler/schema/embed.cmake. Do not edit.\n#include <cstddef>\nnamespace huntc {\nstruct EmbeddedSchema { const char* file; const char* json; };\nextern const EmbeddedSchema kEmbeddedSchemas[] = {\n")
foreach(f ${files})
  file(READ "${f}" text)
  get_filename_component(name "${f}" NAME)
  set(body "${body}  {\"schemas/${name}\", R\"huntc_json(${text})huntc_json\"},\n")
endforeach()
list(LENGTH files count)
set(body "${body}};\nextern const size_t kEmbeddedSchemaCount = ${count};\n}  // namespace huntc\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
