// A flat open-addressing hash map from page number to per-page facts: the
// fault path looks a page up once per fault without allocating (the table
// grows by doubling, amortised). BasicPageMap<V> holds any small value;
// PageMap is the fault-attribution one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pagescope::model {

struct PageInfo {
  uint32_t mapping = 0;      // lineage the page was touched in
  uint32_t faults = 0;
  uint64_t first_touch_ns = 0;
};

template <typename V>
class BasicPageMap {
 public:
  BasicPageMap() { clear(); }

  // The entry for `page`, inserted (value-initialised) when absent; `inserted` says which.
  V& get(uint64_t page, bool& inserted) {
    if ((size_ + 1) * 2 > keys_.size()) rehash(keys_.size() * 2);
    size_t i = slot(page);
    inserted = keys_[i] != page;
    if (inserted) {
      keys_[i] = page;
      values_[i] = V{};
      ++size_;
    }
    return values_[i];
  }

  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] != kEmpty) fn(keys_[i], values_[i]);
    }
  }

  size_t size() const { return size_; }
  // Bytes held by the table (for the benchmark's bytes per touched page).
  size_t memory_bytes() const { return keys_.capacity() * sizeof(uint64_t) + values_.capacity() * sizeof(V); }
  // Forgets every page (exec). Not rehash(): that would carry the old keys
  // into the small table, and once they outnumber its slots the probe loop
  // never ends (the minutes-long `inspect --vmas` of a 100k-page process).
  void clear() {
    keys_.assign(kInitialCapacity, kEmpty);
    values_.assign(kInitialCapacity, V{});
    set_shift(kInitialCapacity);
    size_ = 0;
  }

 private:
  static constexpr uint64_t kEmpty = ~0ull;
  static constexpr size_t kInitialCapacity = 1024;
  static constexpr int kRunBits = 3;

  void set_shift(size_t capacity) {
    shift_ = 64;
    for (size_t c = capacity; c > 1; c >>= 1) --shift_;
  }

  size_t slot(uint64_t page) const {
    // Fibonacci hashing spreads runs of 8 consecutive pages over the table,
    // and the pages of a run sit side by side: a process touches its pages
    // in runs (a hot array, a stack), and a run then costs one or two cache
    // lines instead of one per page.
    size_t i = (size_t(((page >> kRunBits) * 0x9E3779B97F4A7C15ull) >> (shift_ + kRunBits)) << kRunBits) |
               size_t(page & ((1u << kRunBits) - 1));
    while (keys_[i] != kEmpty && keys_[i] != page) i = (i + 1) & (keys_.size() - 1);
    return i;
  }

  // Grows to `capacity` (a power of two, more than twice size_) and reinserts.
  void rehash(size_t capacity) {
    std::vector<uint64_t> old_keys(capacity, kEmpty);
    std::vector<V> old_values(capacity);
    old_keys.swap(keys_);
    old_values.swap(values_);
    set_shift(capacity);
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] == kEmpty) continue;
      size_t j = slot(old_keys[i]);
      keys_[j] = old_keys[i];
      values_[j] = old_values[i];
      ++size_;
    }
  }

  std::vector<uint64_t> keys_;
  std::vector<V> values_;
  int shift_ = 54;
  size_t size_ = 0;
};

using PageMap = BasicPageMap<PageInfo>;

}  // namespace pagescope::model
