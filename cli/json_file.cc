#include "cli/json_file.h"

#include <fstream>
#include <sstream>

namespace logact::cli {

Result<Json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open file");
  std::ostringstream contents;
  contents << in.rdbuf();
  const std::string text = contents.str();
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    const auto [line, column] = LineAndColumn(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    const size_t colon = what.find("syntax error");
    if (colon != std::string::npos) what = what.substr(colon);
    return InvalidArgumentError(path + ": line " + std::to_string(line) + ", column " +
                                std::to_string(column) + ": " + what);
  }
}

}  // namespace logact::cli

namespace logact::cli {
Result<SafetySpec> ReadSafetySpecFile(const std::string& path) {
  LOGACT_ASSIGN_OR_RETURN(Json document, ReadJsonFile(path));
  Result<SafetySpec> spec = ParseSafetySpec(document);
  if (!spec) return spec.error().WithContext(path);
  return spec;
}
}  // namespace logact::cli
