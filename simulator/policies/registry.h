// The replacement policies, by name. Registering a policy: write
// policies/<name>.cpp defining make_<name>(const PolicyConfig&), add one line to
// the list in registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "simulator/engine.h"
#include "simulator/policy.h"

namespace pagescope::model {
struct StackDistances;  // inspector/model/stack_distance.h
}
namespace pagescope::sim {
using StackDistances = model::StackDistances;  // as simulator/mrc.h names it
}

namespace pagescope::sim::policies {

using PolicyFactory = std::unique_ptr<Policy> (*)(const PolicyConfig&);
// One pass over a trace giving every reference's stack distance under the
// policy's stack priority (Mattson et al.), so one histogram gives the miss
// ratio at every size.
using StackDistanceFn = StackDistances (*)(const Trace&, const Progress&);

struct PolicyInfo {
  const char* name;
  const char* description;
  PolicyFactory make;
  bool stack_algorithm;  // inclusion property holds: misses never grow with memory
  // Set for stack algorithms whose one-pass stack distances are written
  // (LRU's); the experiment runner then computes their curve exactly in one
  // pass. Null: one replay per size.
  StackDistanceFn stack_distances;
  // Reads the whole trace when built (PolicyConfig::trace): OPT's next uses,
  // the linux model's anon pages (written anywhere in the trace). Such a
  // policy needs a loaded trace, never a streamed one.
  bool looks_ahead = false;
};

const std::vector<PolicyInfo>& all_policies();
const PolicyInfo* find_policy(const std::string& name);
std::string policy_names();
// Splits "fifo,lru,opt" and checks every name.
Result<std::vector<const PolicyInfo*>> parse_policy_list(const std::string& list);

}  // namespace pagescope::sim::policies
