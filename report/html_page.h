// One self-contained HTML page: inline style, inline SVG, nothing fetched.
// The Content-Security-Policy in its <head> makes the browser itself refuse
// any request the page might make (default-src 'none'), so "no network" is
// enforced by the reader's browser, not only by what we wrote.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pagescope::report {

// Text and attribute values: & < > " ' escaped.
std::string html_escape(std::string_view text);

class HtmlPage {
 public:
  explicit HtmlPage(std::string title) : title_(std::move(title)) {}
  // A <section id=ID data-section=ID> with an <h2>; `body` is HTML.
  void add_section(const std::string& id, const std::string& heading, const std::string& body);
  // The whole document.
  std::string render() const;

  static constexpr const char* kContentSecurityPolicy =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

 private:
  std::string title_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> toc_;  // id, heading
};

// <p class="missing" data-missing="SOURCE">text</p>: what the page says in
// place of a chart whose source the capture lacks.
std::string missing_note(std::string_view source, std::string_view text);

}  // namespace pagescope::report
