// Fenwick (binary indexed) tree of counts: point add and prefix sum in
// O(log n) (Fenwick, "A new data structure for cumulative frequency tables",
// Software: Practice and Experience, 1994).
// Here, not in simulator/: the model's reuse distances (inspect --locality) and
// the simulator's MRCs count with the same tree, and the model is the lower layer.
#pragma once

#include <cstdint>
#include <vector>

namespace pagescope::model {

class Fenwick {
 public:
  explicit Fenwick(size_t n) : tree_(n + 1, 0) {}
  size_t size() const { return tree_.size() - 1; }
  void add(size_t i, int32_t delta) {
    for (++i; i < tree_.size(); i += i & (~i + 1)) tree_[i] += delta;
  }
  // Sum of [0, i).
  int64_t prefix(size_t i) const {
    int64_t s = 0;
    for (; i > 0; i -= i & (~i + 1)) s += tree_[i];
    return s;
  }

 private:
  std::vector<int32_t> tree_;
};

}  // namespace pagescope::model
