// The report of the bundled capture (scripts/data/demo.psc): every section
// is there, the timeline's points are inspect --timeline's rows, the recorded
// run is in the replay table, nothing on the page points off it; and a real
// browser (chromium headless, when installed) renders it without a request.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "inspector/model/capture_replay.h"
#include "inspector/model/interval_grid.h"
#include "inspector/model/process_table.h"
#include "inspector/model/source_notes.h"
#include "inspector/model/timeline.h"
#include "report/capture_report.h"

namespace pagescope::report {
namespace {

const std::string kDemo = std::string(PAGESCOPE_SOURCE_DIR) + "/scripts/data/demo.psc";

const Report& demo_report() {
  static const Report r = [] {
    ReportOptions o;
    o.path = kDemo;
    auto rep = build_report(o);
    EXPECT_TRUE(rep) << (rep ? "" : rep.error().message);
    return rep ? std::move(rep).value() : Report{};
  }();
  return r;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = 0; (p = s.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}

TEST(CaptureReport, HasEverySection) {
  const std::string& html = demo_report().html;
  for (const char* id : {"summary", "timeline", "working-set", "heatmap", "mrc", "replay"})
    EXPECT_NE(html.find(std::string("data-section=\"") + id + "\""), std::string::npos) << id;
  EXPECT_NE(html.find("data-chart=\"timeline-faults\""), std::string::npos);
  EXPECT_NE(html.find("data-chart=\"heatmap-"), std::string::npos);
  EXPECT_NE(html.find("data-chart=\"mrc\""), std::string::npos);
  for (const char* curve : {"data-curve=\"lru\"", "data-curve=\"clock\"", "data-curve=\"opt\""})
    EXPECT_NE(html.find(curve), std::string::npos) << curve;
}

// The faults chart's points are the model's timeline rows, value for value
// (the rows `inspect --timeline --json` prints).
TEST(CaptureReport, TimelinePointsAreTheModelsRows) {
  const std::string& html = demo_report().html;
  auto info = model::read_capture_info(kDemo);
  ASSERT_TRUE(info);
  model::SourceNotes notes(info->host.sources);
  model::ProcessTable procs;
  ASSERT_TRUE(model::replay_capture(kDemo, [&](const ps_header& h) { procs.apply(h); }));
  model::TimelineBuilder tl(model::capture_time_zero(info->host.start_ns, procs.totals().first_ts_ns),
                            1'000'000'000, std::nullopt);
  ASSERT_TRUE(model::replay_capture(kDemo, [&](const ps_header& h) { tl.add(h); }));
  const Table t = tl.table(notes);
  ASSERT_GT(t.rows(), 0u);
  const auto& names = t.column_names();
  const size_t time = size_t(std::find(names.begin(), names.end(), "TIME") - names.begin());
  const size_t minflt = size_t(std::find(names.begin(), names.end(), "MINFLT") - names.begin());
  ASSERT_TRUE(t.measured("MINFLT"));
  // The MINFLT series of the faults chart, in order.
  const size_t chart = html.find("data-chart=\"timeline-faults\"");
  const size_t series = html.find("data-series=\"MINFLT\"", chart);
  const size_t end = html.find("</g>", series);
  ASSERT_NE(series, std::string::npos);
  const std::string g = html.substr(series, end - series);
  std::regex point("data-x=\"([^\"]*)\" data-y=\"([^\"]*)\"");
  std::vector<std::pair<double, std::string>> got;
  for (std::sregex_iterator it(g.begin(), g.end(), point), e; it != e; ++it)
    got.emplace_back(std::stod((*it)[1]), (*it)[2]);
  ASSERT_EQ(got.size(), t.rows());
  uint64_t sum = 0;
  for (size_t r = 0; r < t.rows(); ++r) {
    EXPECT_NEAR(got[r].first, std::stod(t.at(r, time).json()), 1e-9) << r;
    EXPECT_EQ(got[r].second, t.at(r, minflt).json()) << r;
    sum += std::stoull(got[r].second);
  }
  EXPECT_GT(sum, 0u);
}

TEST(CaptureReport, ReplayTableHasTheRecordedRun) {
  const std::string& html = demo_report().html;
  EXPECT_EQ(count(html, "<tr class=\"recorded\" data-policy=\"recorded\""), 1u);
  EXPECT_NE(html.find("data-marker=\"recorded"), std::string::npos);  // and on the curves
  for (const char* p : {"lru", "clock", "opt"})
    EXPECT_GE(count(html, std::string("<tr data-policy=\"") + p + "\""), 1u) << p;
}

TEST(CaptureReport, NothingPointsOffThePage) {
  const std::string& html = demo_report().html;
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  std::string rest = html;
  const std::string ns = "http://www.w3.org/2000/svg";
  for (size_t p; (p = rest.find(ns)) != std::string::npos;) rest.erase(p, ns.size());
  for (const char* bad : {"http:", "https:", "file:", "src=", "@import", "url("})
    EXPECT_EQ(rest.find(bad), std::string::npos) << bad;
}

TEST(CaptureReport, BadFileIsAnError) {
  ReportOptions o;
  o.path = "/nonexistent/x.psc";
  auto r = build_report(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
}

std::string chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (::access(p, X_OK) == 0) return p;
  return {};
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A real browser: chromium headless loads the file, with every host name
// resolving nowhere and a net log of every request it tried; the DOM it
// built has every chart with its points, the screenshot is a real picture,
// and the only URL in the net log is the report's own file.
TEST(CaptureReport, ChromiumRendersItOffline) {
  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "needs chromium: apt-get install chromium (scripts/setup-deps.sh)";
  char dir_template[] = "/tmp/ps_report_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::string html = dir + "/run.html";
  {
    std::ofstream f(html);
    f << demo_report().html;
  }
  const std::string common = "'" + browser + "' --headless=new --no-sandbox --disable-gpu --no-first-run "
                             "--user-data-dir=" + dir + "/profile --host-resolver-rules='MAP * ~NOTFOUND' "
                             // The browser's own traffic (updates, dictionaries, sync) is off, so
                             // every URL left in the net log is one the page asked for.
                             "--disable-background-networking --disable-component-update --disable-sync "
                             "--disable-extensions --disable-default-apps --disable-features=SpellCheck "
                             "--log-net-log=" + dir + "/net.json --net-log-capture-mode=Everything ";
  const std::string dump = common + "--dump-dom file://" + html + " > " + dir + "/dom.html 2>" + dir + "/dump.err";
  ASSERT_EQ(std::system(dump.c_str()), 0) << slurp(dir + "/dump.err");
  const std::string dom = slurp(dir + "/dom.html");
  // Each chart the page drew (timeline, working set, curves) came through
  // with its points as the page wrote them.
  const std::string& page = demo_report().html;
  std::regex chart_re("data-chart=\"([^\"]*)\"");
  size_t charts = 0;
  for (std::sregex_iterator it(page.begin(), page.end(), chart_re), e; it != e; ++it) {
    const std::string id = (*it)[1];
    ++charts;
    const size_t at = dom.find("data-chart=\"" + id + "\"");
    ASSERT_NE(at, std::string::npos) << id;
    const size_t end = dom.find("</svg>", at);
    const std::string svg = dom.substr(at, end - at);
    const std::string data = id == "mrc" ? "data-miss-ratio=\"" : id.rfind("heatmap-", 0) == 0 ? "data-refs=\"" : "data-y=\"";
    EXPECT_EQ(count(svg, data), count(page.substr(page.find("data-chart=\"" + id + "\"")).substr(0, page.substr(page.find("data-chart=\"" + id + "\"")).find("</svg>")), data)) << id;
    EXPECT_GT(count(svg, data), 0u) << id;
  }
  EXPECT_GE(charts, 4u);
  EXPECT_NE(dom.find("data-chart=\"heatmap-"), std::string::npos);
  EXPECT_NE(dom.find("data-refs=\""), std::string::npos);
  EXPECT_NE(dom.find("data-policy=\"recorded\""), std::string::npos);
  // Every URL the browser asked for: only the report itself.
  const std::string net = slurp(dir + "/net.json");
  ASSERT_FALSE(net.empty());
  std::regex url("\"url\":\"([^\"]*)\"");
  size_t urls = 0;
  for (std::sregex_iterator it(net.begin(), net.end(), url), e; it != e; ++it) {
    ++urls;
    const std::string u = (*it)[1];
    // Chromium's own services call home even with background networking off
    // (time, accounts, updates); none of them is a page's request.
    std::smatch host;
    if (std::regex_search(u, host, std::regex("^https?://([^/:?]*)")) &&
        std::regex_search(std::string(host[1]), std::regex("(^|\\.)(google\\.com|googleapis\\.com|gvt1\\.com)$")))
      continue;
    EXPECT_TRUE(u == "file://" + html || u.rfind("data:", 0) == 0 || u == "about:blank") << u;
  }
  EXPECT_GT(urls, 0u);

  const std::string png = dir + "/shot.png";
  const std::string shot = "'" + browser + "' --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir=" +
                           dir + "/profile2 --host-resolver-rules='MAP * ~NOTFOUND' --window-size=1280,4000 "
                           "--screenshot=" + png + " file://" + html + " >" + dir + "/shot.err 2>&1";
  ASSERT_EQ(std::system(shot.c_str()), 0) << slurp(dir + "/shot.err");
  const std::string image = slurp(png);
  ASSERT_GT(image.size(), 20u * 1024) << "screenshot too small to hold the charts";
  EXPECT_EQ(image.substr(1, 3), "PNG");
  std::system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace pagescope::report
