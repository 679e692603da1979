// core/json.h: a string IsPlainJsonString accepts is one CompactJson writes as
// itself between quotes, which the hot paths that skip nlohmann rely on.
#include <boost/test/unit_test.hpp>
#include <string>

#include "core/json.h"

namespace logact {
namespace {

BOOST_AUTO_TEST_SUITE(JsonHelpers)

// Every byte alone, and in the middle of plain ASCII: a plain string is one nlohmann
// writes unchanged; the plain bytes are exactly printable ASCII but '"' and '\\' (DEL,
// written unchanged too, and valid UTF-8 are left to nlohmann: the test is sufficient).
BOOST_AUTO_TEST_CASE(PlainStringsAreWrittenAsThemselves) {
  int plain = 0;
  for (int byte = 0; byte < 256; ++byte) {
    for (const std::string& text : {std::string(1, static_cast<char>(byte)),
                                    "ab" + std::string(1, static_cast<char>(byte)) + "c"}) {
      const bool as_itself = CompactJson(Json(text)) == "\"" + text + "\"";
      BOOST_CHECK_MESSAGE(!IsPlainJsonString(text) || as_itself, "byte " << byte);
    }
    plain += IsPlainJsonString(std::string(1, static_cast<char>(byte))) ? 1 : 0;
  }
  BOOST_CHECK_EQUAL(plain, 0x7f - 0x20 - 2);  // printable ASCII but '"' and '\\'
  BOOST_CHECK(IsPlainJsonString(""));
  BOOST_CHECK(!IsPlainJsonString("h\xc3\xa9llo"));  // valid UTF-8: left to nlohmann
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
