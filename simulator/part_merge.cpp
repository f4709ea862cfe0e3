#include "simulator/part_merge.h"

#include <algorithm>
#include <map>
#include <optional>

#include "simulator/experiment.h"

namespace pagescope::sim {

namespace {

Error usage(std::string msg) { return Error{std::move(msg), ErrorKind::kUsage}; }

std::optional<uint64_t> number(const Cell& c) {
  if (c.kind() != Cell::Kind::kInteger) return std::nullopt;
  const std::string v = c.csv();
  if (v.empty() || v[0] == '-') return std::nullopt;
  return std::stoull(v);
}

// One file, read: where its part columns are, and what they say.
struct Parsed {
  const PartFile* file = nullptr;
  std::vector<size_t> data;          // the other columns, in order
  std::vector<std::string> names;    // their names
  Part part;
  uint64_t points = 0;
  std::string trace, plan;
};

Result<Parsed> parse(const PartFile& f) {
  Parsed p;
  p.file = &f;
  const Table& t = f.table;
  std::map<std::string, size_t> at;
  for (size_t c = 0; c < t.column_names().size(); ++c) {
    const auto& n = t.column_names()[c];
    if (std::find(part_columns().begin(), part_columns().end(), n) != part_columns().end()) at[n] = c;
    else {
      p.data.push_back(c);
      p.names.push_back(n);
    }
  }
  if (t.rows() == 0) return p;  // an empty part: nothing to check but its columns, when it has a header
  for (const auto& n : part_columns())
    if (!at.count(n))
      return usage(f.name + ": no '" + n + "' column: not a part of a split sweep (write each part with "
                   "--part K/N and --json or --csv)");
  for (size_t r = 0; r < t.rows(); ++r) {
    const std::string row = f.name + ": row " + std::to_string(r + 1) + ": ";
    auto part = parse_part(t.at(r, at["part"]).csv());
    if (!part) return usage(row + part.error().message);
    auto points = number(t.at(r, at["points"]));
    if (!points) return usage(row + "'points' is not a count");
    const std::string trace = t.at(r, at["trace"]).csv(), plan = t.at(r, at["plan"]).csv();
    if (r == 0) {
      p.part = *part;
      p.points = *points;
      p.trace = trace;
      p.plan = plan;
    } else if (part->index != p.part.index || part->count != p.part.count || *points != p.points ||
               trace != p.trace || plan != p.plan) {
      return usage(row + "its part columns differ from row 1's (rows of two parts in one file?)");
    }
  }
  return p;
}

std::string part_text(const Part& p) { return std::to_string(p.index) + "/" + std::to_string(p.count); }

}  // namespace

Result<Table> merge_parts(const std::vector<PartFile>& files) {
  if (files.empty()) return usage("no parts given");
  std::vector<Parsed> parsed;
  for (const auto& f : files) {
    auto p = parse(f);
    if (!p) return p.error();
    parsed.push_back(std::move(p).value());
  }
  // The reference: the first file with rows; the others must agree with it.
  const Parsed* ref = nullptr;
  for (const auto& p : parsed)
    if (p.file->table.rows() > 0) {
      ref = &p;
      break;
    }
  if (!ref) {
    // Every part empty: a sweep with no points (or only empty parts given).
    Table t;
    for (size_t c : parsed[0].data) t.add_column(parsed[0].file->table.column_names()[c], Table::Align::kRight);
    return t;
  }
  const Part n = ref->part;
  const std::string& rname = ref->file->name;
  std::map<uint32_t, const Parsed*> by_part;
  std::vector<std::optional<std::pair<const Parsed*, size_t>>> at_point(ref->points);
  std::map<uint32_t, std::vector<std::pair<const Parsed*, size_t>>> extras;  // rows that are no point, per part
  for (const auto& p : parsed) {
    const std::string& name = p.file->name;
    const Table& t = p.file->table;
    if (t.column_names().size() > 0 && p.names != ref->names)
      return usage(name + ": other columns than " + rname + " (a part of another command or options?)");
    if (t.rows() == 0) continue;
    if (p.trace != ref->trace)
      return usage(name + ": made from another trace than " + rname + " (trace " + p.trace + ", not " + ref->trace +
                   ": a different file, or one that changed)");
    if (p.plan != ref->plan)
      return usage(name + ": made with another plan than " + rname + " (plan " + p.plan + ", not " + ref->plan +
                   ": other policies, sizes, tiers or options)");
    if (p.part.count != n.count || p.points != ref->points)
      return usage(name + ": part " + part_text(p.part) + " of a sweep of " + std::to_string(p.points) +
                   " points, but " + rname + " is part " + part_text(n) + " of " + std::to_string(ref->points));
    if (auto [it, fresh] = by_part.emplace(p.part.index, &p); !fresh)
      return usage(name + ": part " + part_text(p.part) + " again (also in " + it->second->file->name + ")");
    size_t point_col = 0;
    for (size_t c = 0; c < t.column_names().size(); ++c)
      if (t.column_names()[c] == "point") point_col = c;
    for (size_t r = 0; r < t.rows(); ++r) {
      const Cell& pc = t.at(r, point_col);
      if (pc.kind() == Cell::Kind::kMissing) {
        extras[p.part.index].emplace_back(&p, r);
        continue;
      }
      auto pt = number(pc);
      if (!pt || *pt == 0 || *pt > p.points || !p.part.owns(*pt - 1))
        return usage(name + ": row " + std::to_string(r + 1) + ": point '" + pc.csv() + "' is not one of part " +
                     part_text(p.part) + "'s");
      auto& slot = at_point[*pt - 1];
      if (slot) return usage(name + ": point " + std::to_string(*pt) + " twice");
      slot = std::make_pair(&p, r);
    }
  }
  for (uint32_t k = 1; k <= n.count && k <= ref->points; ++k) {
    Part want{k, n.count};
    auto it = by_part.find(k);
    if (it == by_part.end())
      return usage("part " + part_text(want) + " missing: no file given holds it (its points " + std::to_string(k) +
                   (k + n.count <= ref->points ? ", " + std::to_string(k + n.count) + ", ..." : std::string()) + ")");
    for (uint64_t pt = k; pt <= ref->points; pt += n.count)
      if (!at_point[pt - 1])
        return usage(it->second->file->name + ": part " + part_text(want) + " lacks point " + std::to_string(pt) +
                     " (a truncated file?)");
  }
  Table out;
  const Table& rt = ref->file->table;
  for (size_t c : ref->data)
    out.add_column(rt.column_names()[c], rt.left_aligned(c) ? Table::Align::kLeft : Table::Align::kRight);
  auto add = [&](const Parsed* p, size_t r) {
    std::vector<Cell> row;
    for (size_t c : p->data) row.push_back(p->file->table.at(r, c));
    out.add_row(std::move(row));
  };
  for (const auto& slot : at_point) add(slot->first, slot->second);
  for (const auto& [k, rows] : extras)
    for (const auto& [p, r] : rows) add(p, r);
  return out;
}

}  // namespace pagescope::sim
