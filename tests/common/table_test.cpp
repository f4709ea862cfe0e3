// The one table printer: typed cells print the same in the aligned table and
// carry their type into JSON (checked with a strict parser) and CSV.
#include <gtest/gtest.h>

#include <string>

#include "common/table.h"
#include "tests/support/json.h"

namespace pagescope {
namespace {

using testing::Json;
using testing::JsonParser;

Table sample() {
  Table t({"START<", "SIZE", "FAULTS", "RATIO", "PATH<", "OFFSET"});
  // An address with no a-f digits: it used to come out as a JSON number.
  t.add_row({Cell::hex(0x559937759000), Cell::bytes(64 << 10), Cell::count(23), Cell::real(0.5, 4),
             Cell::text("/lib/a, \"b\""), Cell::missing()});
  t.add_row({Cell::hex(0x7fff0000), Cell::bytes(1536), Cell::count(0), Cell::real(1.0 / 0.0, 4), Cell::text(""),
             Cell::hex(0x3000)});
  return t;
}

TEST(Table, AlignedTextRightAlignsNumbersAndShowsMissingAsDash) {
  const std::string a = sample().aligned();
  EXPECT_EQ(a, "START         SIZE  FAULTS   RATIO  PATH         OFFSET\n"
               "559937759000   64K      23  0.5000  /lib/a, \"b\"       -\n"
               "7fff0000      1.5K       0       -                 3000\n")
      << a;
}

TEST(Table, JsonHasExactTypesThroughAStrictParser) {
  const Json rows = JsonParser::parse(sample().json());
  ASSERT_EQ(rows.type, Json::Type::kArray);
  ASSERT_EQ(rows.items.size(), 2u);
  const Json& r = rows.items[0];
  ASSERT_EQ(r.find("START")->type, Json::Type::kString);
  EXPECT_EQ(r.find("START")->text, "0x559937759000");
  EXPECT_EQ(r.find("FAULTS")->type, Json::Type::kNumber);
  EXPECT_EQ(r.find("FAULTS")->text, "23");
  EXPECT_EQ(r.find("RATIO")->type, Json::Type::kNumber);
  EXPECT_EQ(r.find("SIZE")->type, Json::Type::kString);
  EXPECT_EQ(r.find("SIZE")->text, "64K");
  EXPECT_EQ(r.find("PATH")->text, "/lib/a, \"b\"");
  EXPECT_EQ(r.find("OFFSET")->type, Json::Type::kNull);
  EXPECT_EQ(rows.items[1].find("RATIO")->type, Json::Type::kNull) << "inf is no JSON number";
  EXPECT_EQ(rows.items[1].find("OFFSET")->text, "0x3000");
  EXPECT_EQ(JsonParser::parse(Table({"A"}).json()).items.size(), 0u);
}

TEST(Table, CsvQuotesAndLeavesMissingEmpty) {
  EXPECT_EQ(sample().csv(),
            "START,SIZE,FAULTS,RATIO,PATH,OFFSET\n"
            "0x559937759000,64K,23,0.5000,\"/lib/a, \"\"b\"\"\",\n"
            "0x7fff0000,1.5K,0,,,0x3000\n");
}

TEST(Table, NotMeasuredColumnIsDashEmptyAndNull) {
  Table t = sample();
  t.set_not_measured("FAULTS");
  EXPECT_FALSE(t.measured("FAULTS"));
  EXPECT_EQ(JsonParser::parse(t.json()).items[0].find("FAULTS")->type, Json::Type::kNull);
  EXPECT_NE(t.csv().find("\n0x559937759000,64K,,0.5000,"), std::string::npos) << t.csv();
  EXPECT_NE(t.aligned().find("64K       -  0.5000"), std::string::npos) << t.aligned();
}

TEST(Table, UntypedRowsGuessOnlyPlainDecimals) {
  Table t({"A", "B", "C", "D", "E"});
  t.add_row({"12", "0.500", "559937759000x", "007", "-"});
  const Json r = JsonParser::parse(t.json()).items[0];
  EXPECT_EQ(r.find("A")->type, Json::Type::kNumber);
  EXPECT_EQ(r.find("B")->type, Json::Type::kNumber);
  EXPECT_EQ(r.find("C")->type, Json::Type::kString);
  EXPECT_EQ(r.find("D")->type, Json::Type::kString) << "a leading zero is no JSON number";
  EXPECT_EQ(r.find("E")->type, Json::Type::kString);
}

TEST(Table, StrictParserRejectsWhatLooseOutputUsedToHave) {
  for (const char* bad : {"[1,]", "{\"a\": 12K}", "{\"a\": 0559}", "[nan]", "[1] x", "{\"a\" 1}", "[.5]"})
    EXPECT_THROW(JsonParser::parse(bad), std::runtime_error) << bad;
}

// A traced program named with escape sequences cannot drive the reader's
// terminal through an aligned table; machine output keeps the bytes.
TEST(Table, TextCellsAreMadePrintableForTerminalsOnly) {
  EXPECT_EQ(printable("ab\x1b[2Jc\x07\x7f"), "ab\\x1b[2Jc\\x07\\x7f");
  EXPECT_EQ(printable("caf\xc3\xa9 \xc2\x9b" "1m"), "caf\xc3\xa9 \\x9b1m") << "UTF-8 kept, C1 CSI escaped";
  Table t({"COMM"});
  t.add_row({Cell::text("evil\x1b]0;owned\x07")});
  EXPECT_EQ(t.aligned().find('\x1b'), std::string::npos) << t.aligned();
  EXPECT_NE(t.aligned().find("evil\\x1b]0;owned\\x07"), std::string::npos) << t.aligned();
  EXPECT_NE(t.json().find("\\u001b"), std::string::npos) << t.json();
}

// read_table() reads back what csv() and json() wrote, byte for byte
// (pagescope merge joins parts this way), and refuses anything else by line.
TEST(Table, ReadTableIsTheInverseOfCsvAndJson) {
  Table t({"policy<", "frames", "memory", "ratio", "note<", "delta"});
  t.add_row({Cell::text("lru"), Cell::count(12), Cell::bytes(64 << 20), Cell::real(0.25, 4), Cell::text("a, \"b\"\nc"),
             Cell::integer(-3)});
  t.add_row({Cell::text("42"), Cell::count(0), Cell::bytes(4096), Cell::missing(), Cell::text("\x01"), Cell::real(-0.5, 2)});
  for (const std::string& text : {t.csv(), t.json()}) {
    auto r = read_table(text);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->json, text[0] == '[');
    EXPECT_EQ(r->table.csv(), t.csv());
    if (r->json) {
      EXPECT_EQ(r->table.json(), t.json()) << "a JSON string \"42\" stays a string";
    }
    EXPECT_EQ(r->table.rows(), 2u);
    EXPECT_TRUE(r->table.left_aligned(0));
    EXPECT_FALSE(r->table.left_aligned(2)) << "sizes are right-aligned";
  }
  auto empty = read_table("[]");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->table.rows(), 0u);
  for (const char* bad : {"[{\"a\": 1},\n{\"b\": 2}]", "[{\"a\": 1}", "a,b\n1\n", "", "[{\"a\": x}]"}) {
    auto r = read_table(bad);
    EXPECT_FALSE(r) << bad;
  }
  EXPECT_EQ(read_table("[{\"a\": 1},\n{\"b\": 2}]").error().message.rfind("line 2: ", 0), 0u);
}

}  // namespace
}  // namespace pagescope
