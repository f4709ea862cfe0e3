#include "report/html_page.h"

namespace pagescope::report {

std::string html_escape(std::string_view text) {
  std::string o;
  o.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

void HtmlPage::add_section(const std::string& id, const std::string& heading, const std::string& body) {
  toc_.emplace_back(id, heading);
  body_ += "<section id=\"" + html_escape(id) + "\" data-section=\"" + html_escape(id) + "\">\n<h2>" +
           html_escape(heading) + "</h2>\n" + body + "</section>\n";
}

std::string HtmlPage::render() const {
  std::string s;
  s += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  s += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + std::string(kContentSecurityPolicy) + "\">\n";
  s += "<meta name=\"generator\" content=\"pagescope report\">\n";
  s += "<title>" + html_escape(title_) + "</title>\n";
  s += "<style>\n"
       "body{font-family:sans-serif;margin:1.5em auto;max-width:1200px;color:#222}\n"
       "h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\n"
       "h3{font-size:1em;margin-bottom:.3em}\n"
       "table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ddd;padding:2px 6px;"
       "text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}\n"
       "tr.recorded td{background:#fff3c4;font-weight:bold}\n"
       ".missing{color:#a33;font-style:italic}.caption{color:#555;font-size:.85em;margin:.2em 0 1em}\n"
       "svg{display:block;margin:.5em 0}dl.summary{display:grid;grid-template-columns:max-content auto;"
       "gap:.2em 1em}dl.summary dt{font-weight:bold}dl.summary dd{margin:0}\n"
       "nav a{margin-right:1em}\n"
       "</style>\n</head>\n<body>\n";
  s += "<h1>" + html_escape(title_) + "</h1>\n<nav>";
  for (const auto& [id, heading] : toc_) s += "<a href=\"#" + html_escape(id) + "\">" + html_escape(heading) + "</a>";
  s += "</nav>\n" + body_ + "</body>\n</html>\n";
  return s;
}

std::string missing_note(std::string_view source, std::string_view text) {
  return "<p class=\"missing\" data-missing=\"" + html_escape(source) + "\">" + html_escape(text) + "</p>\n";
}

}  // namespace pagescope::report
