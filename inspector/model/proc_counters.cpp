#include "inspector/model/proc_counters.h"

#include <charconv>
#include <cstdlib>
#include <string>

namespace pagescope::model {
namespace {

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// Splits off the next whitespace-separated token.
std::string_view next_token(std::string_view& s) {
  s = trim_left(s);
  size_t end = 0;
  while (end < s.size() && s[end] != ' ' && s[end] != '\t' && s[end] != '\n') ++end;
  std::string_view tok = s.substr(0, end);
  s.remove_prefix(end);
  return tok;
}

std::optional<uint64_t> to_u64(std::string_view s, int base = 10) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p == s.data()) return std::nullopt;
  return v;
}

// Calls fn(key, rest) for each line "key<sep>rest".
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    fn(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// "Key:   123 kB" -> 123
std::optional<uint64_t> kb_value(std::string_view rest) {
  return to_u64(next_token(rest));
}

void tlb_reason(SystemCounters& out, const char* reason, uint64_t count) {
  for (auto& r : out.tlb) {
    if (r.reason == reason) {
      r.count = count;
      return;
    }
  }
  out.tlb.push_back({reason, count});
}

}  // namespace

std::optional<StatFields> parse_pid_stat(std::string_view text) {
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  StatFields f;
  f.comm = std::string(text.substr(open + 1, close - open - 1));
  std::string_view rest = text.substr(close + 1);
  // Fields after comm start at 3 (state). minflt is 10, majflt is 12.
  std::optional<uint64_t> minflt, majflt;
  for (int field = 3; field <= 12; ++field) {
    std::string_view tok = next_token(rest);
    if (tok.empty()) return std::nullopt;
    if (field == 10) minflt = to_u64(tok);
    if (field == 12) majflt = to_u64(tok);
  }
  if (!minflt || !majflt) return std::nullopt;
  f.min_flt = *minflt;
  f.maj_flt = *majflt;
  return f;
}

std::optional<uint64_t> parse_statm_resident_pages(std::string_view text) {
  next_token(text);
  return to_u64(next_token(text));
}

std::optional<uint64_t> parse_status_kb(std::string_view text, std::string_view key) {
  std::optional<uint64_t> out;
  for_each_line(text, [&](std::string_view line) {
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      out = kb_value(line.substr(key.size() + 1));
    }
  });
  return out;
}

std::optional<uint64_t> parse_status_vmswap_kb(std::string_view text) { return parse_status_kb(text, "VmSwap"); }

void parse_meminfo(std::string_view text, SystemCounters& out) {
  for_each_line(text, [&](std::string_view line) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view key = line.substr(0, colon);
    auto v = kb_value(line.substr(colon + 1));
    if (!v) return;
    if (key == "MemTotal") out.mem_total_kb = *v;
    else if (key == "MemAvailable") out.mem_available_kb = *v;
    else if (key == "SwapTotal") out.swap_total_kb = *v;
    else if (key == "SwapFree") out.swap_free_kb = *v;
  });
}

void parse_vmstat(std::string_view text, SystemCounters& out) {
  out.allocstall = 0;
  for_each_line(text, [&](std::string_view line) {
    std::string_view rest = line;
    std::string_view key = next_token(rest);
    auto v = to_u64(next_token(rest));
    if (!v) return;
    if (key == "pswpin") out.pswpin = *v;
    else if (key == "pswpout") out.pswpout = *v;
    else if (key == "pgscan_kswapd") out.pgscan_kswapd = *v;
    else if (key == "pgscan_direct") out.pgscan_direct = *v;
    else if (key == "pgsteal_kswapd") out.pgsteal_kswapd = *v;
    else if (key == "pgsteal_direct") out.pgsteal_direct = *v;
    else if (key == "pgfault") out.pgfault = *v;
    else if (key == "pgmajfault") out.pgmajfault = *v;
    else if (key.substr(0, 11) == "allocstall_") out.allocstall += *v;
    // Only with CONFIG_DEBUG_TLBFLUSH: flushes by kind (x86 arch/x86/mm/tlb.c).
    else if (key == "nr_tlb_remote_flush") tlb_reason(out, "remote", *v);
    else if (key == "nr_tlb_local_flush_all") tlb_reason(out, "local all", *v);
    else if (key == "nr_tlb_local_flush_one") tlb_reason(out, "local one", *v);
  });
}

void parse_psi_memory(std::string_view text, SystemCounters& out) {
  for_each_line(text, [&](std::string_view line) {
    std::string_view rest = line;
    std::string_view kind = next_token(rest);
    for (std::string_view tok = next_token(rest); !tok.empty(); tok = next_token(rest)) {
      if (tok.substr(0, 6) != "avg10=") continue;
      std::string num(tok.substr(6));
      double v = std::strtod(num.c_str(), nullptr);
      if (kind == "some") out.psi_some_avg10 = v, out.psi_available = true;
      if (kind == "full") out.psi_full_avg10 = v;
    }
  });
}

std::optional<uint64_t> parse_interrupts_tlb(std::string_view text) {
  std::optional<uint64_t> out;
  for_each_line(text, [&](std::string_view line) {
    std::string_view rest = trim_left(line);
    if (rest.substr(0, 4) != "TLB:") return;
    rest.remove_prefix(4);
    uint64_t sum = 0;
    for (std::string_view tok = next_token(rest); !tok.empty(); tok = next_token(rest)) {
      auto v = to_u64(tok);
      if (!v) break;  // the description text after the per-CPU counts
      sum += *v;
    }
    out = sum;
  });
  return out;
}

}  // namespace pagescope::model
