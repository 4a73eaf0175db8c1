#include "core/solvers/network_simplex.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"

namespace advect {
namespace {

using Eigen::VectorXd;

absl::Status Stopped() { return absl::CancelledError("the solver was asked to stop"); }

constexpr double kInf = std::numeric_limits<double>::infinity();

// Progress is reported every this many pivots (a pivot costs microseconds).
constexpr int64_t kProgressEvery = 1024;

// Pricing scans arcs in chunks of this many (see FindEnteringArc).
constexpr int64_t kChunk = 64;

// Pricing reads costs a chunk at a time: Chunk(j, r0, r1, scratch) returns
// C_rj for r in [r0, r1) (at most kChunk of them), either in place or written
// to `scratch`; operator()(i, j) is the single entry.

// The cost of a dense column-major matrix (Eigen's default layout), read in
// place: the pricing loop walks down columns, so it streams memory.
class DenseCost {
 public:
  DenseCost(const double* data, int64_t rows) : data_(data), rows_(rows) {}
  double operator()(int64_t i, int64_t j) const { return data_[i + j * rows_]; }
  const double* Chunk(int64_t j, int64_t r0, int64_t /*r1*/, double* /*scratch*/) const {
    return data_ + r0 + j * rows_;
  }

 private:
  const double* data_;
  int64_t rows_;
};

// c(x_i, y_j) = h(|x_i - y_j|^2) computed on demand, so memory stays
// O((n + m) d). The sources are stored coordinate by coordinate (n x d
// column-major) so that a chunk is computed by loops over contiguous source
// coordinates, which the compiler vectorises; the sum runs over k in the same
// order as in operator(), so both give the same bits. `Transform` is h.
template <typename Transform>
class PointCost {
 public:
  // x: n x d column-major; y: m x d row-major (point j at y + j * d).
  PointCost(const double* x, int64_t n, const double* y, int64_t d, Transform h)
      : x_(x), n_(n), y_(y), d_(d), h_(h) {}
  double operator()(int64_t i, int64_t j) const {
    double s = 0.0;
    for (int64_t k = 0; k < d_; ++k) {
      const double t = x_[i + k * n_] - y_[j * d_ + k];
      s += t * t;
    }
    return h_(s);
  }
  const double* Chunk(int64_t j, int64_t r0, int64_t r1, double* scratch) const {
    const int64_t len = r1 - r0;
    std::fill(scratch, scratch + len, 0.0);
    for (int64_t k = 0; k < d_; ++k) {
      const double* xk = x_ + r0 + k * n_;
      const double yk = y_[j * d_ + k];
      for (int64_t r = 0; r < len; ++r) {
        const double t = xk[r] - yk;
        scratch[r] += t * t;
      }
    }
    for (int64_t r = 0; r < len; ++r) scratch[r] = h_(scratch[r]);
    return scratch;
  }

 private:
  const double* x_;
  int64_t n_;
  const double* y_;
  int64_t d_;
  Transform h_;
};

struct SquaredNorm {
  double operator()(double s) const { return s; }
};
struct Norm {
  double operator()(double s) const { return std::sqrt(s); }
};
struct NormPower {
  double half_p;
  double operator()(double s) const { return std::pow(s, half_p); }
};

// Orientation of the tree arc joining a node to its parent.
enum Dir : int8_t { kDown = -1, kUp = 1 };  // kUp: node -> parent; kDown: parent -> node

// The network simplex on the complete bipartite graph. Nodes 0..n-1 are the
// sources (supply a_i), n..n+m-1 the targets (demand b_j) and n+m an artificial
// root. Arc (i, j) has id i*m + j and is never stored: a non-tree arc has flow 0
// (arcs are uncapacitated), so all the pricing needs is its reduced cost
//   rc_ij = C_ij + pi_i - pi_{n+j},
// with node potentials pi (f_i = -pi_i, g_j = pi_{n+j}); tree arcs have rc = 0.
// The spanning tree lives in O(n + m) arrays indexed by node: parent, the arc
// to the parent and its orientation and flow, depth, and the preorder `thread`
// (with its reverse) of Kelly & O'Neill.
//
// Start: every node hangs from the root by an artificial arc (id n*m + node),
// source -> root at cost 0 carrying a_i, root -> target at cost kArt carrying
// b_j (big-M: kArt exceeds any cost difference along a path of real arcs, so
// the optimum carries no flow through the root). Artificial arcs never re-enter.
// All positive-flow arcs point to the root and all zero-flow arcs away from it,
// so the start is strongly feasible; Cunningham's leaving-arc rule keeps it so,
// which rules out cycling under degeneracy.
//
// Points of zero weight get a root -> node artificial arc with flow 0 and are
// never priced (potential +-inf gives their arcs rc = +inf): they stay inert
// leaves and get c-transform potentials at the end.
template <typename Cost>
class NetworkSimplex {
 public:
  NetworkSimplex(const Cost& cost, const VectorXd& a, const VectorXd& b, double max_abs_cost,
                 const ExactOtOptions& options, Observer& observer)
      : cost_(cost),
        a_(a),
        b_(b),
        n_(a.size()),
        m_(b.size()),
        root_(n_ + m_),
        num_arcs_(n_ * m_),
        art_cost_(max_abs_cost > 0.0 ? 2.0 * static_cast<double>(n_ + m_ + 1) * max_abs_cost
                                     : 1.0),
        max_iterations_(options.max_iterations),
        observer_(observer) {
    // Block search (Kelly & O'Neill; LEMON's default): price about sqrt(#arcs)
    // arcs, take the most negative, move on from there next time.
    block_size_ = std::max<int64_t>(
        10, static_cast<int64_t>(std::sqrt(static_cast<double>(num_arcs_))));
  }

  absl::StatusOr<ExactOtOutput> Solve();

 private:
  enum class Search { kFound, kNone, kStopped };

  void Init();
  Search FindEnteringArc();
  void Pivot(int64_t i, int64_t j, double rc);
  void RecomputePotentials();
  double PredCost(int64_t u) const;
  double CurrentCost() const;
  bool Inert(int64_t u) const { return u < n_ ? a_[u] == 0.0 : b_[u - n_] == 0.0; }
  bool IsTreeArc(int64_t i, int64_t j) const {
    const int64_t e = i * m_ + j;
    return pred_[i] == e || pred_[n_ + j] == e;
  }
  // Whether the best arc of a search is improving beyond rounding noise.
  bool Improving(double rc, int64_t i, int64_t j) const {
    return i >= 0 && rc < -kExactOtRelativeTolerance * std::max({std::abs(cost_(i, j)),
                                                                  std::abs(pi_[i]),
                                                                  std::abs(pi_[n_ + j])});
  }
  absl::StatusOr<ExactOtOutput> BuildOutput(ExactOtStatus status);

  const Cost& cost_;
  const VectorXd& a_;
  const VectorXd& b_;
  const int64_t n_;
  const int64_t m_;
  const int64_t root_;
  const int64_t num_arcs_;
  const double art_cost_;
  const int64_t max_iterations_;
  Observer& observer_;
  int64_t block_size_;

  // Tree, indexed by node (n + m + 1 of them).
  std::vector<int64_t> parent_, pred_, thread_, rev_thread_, depth_;
  std::vector<int8_t> dir_;
  std::vector<double> flow_, pi_;

  // Pricing state: where the next search starts, and the last best reduced cost.
  int64_t next_i_ = 0;
  int64_t next_j_ = 0;
  double last_rc_ = 0.0;
  int64_t pivots_ = 0;

  // Scratch for Pivot, kept to avoid reallocations.
  std::vector<int64_t> subtree_, stem_, order_, position_;
};

template <typename Cost>
void NetworkSimplex<Cost>::Init() {
  const int64_t nodes = n_ + m_ + 1;
  parent_.assign(nodes, root_);
  pred_.resize(nodes);
  thread_.resize(nodes);
  rev_thread_.resize(nodes);
  depth_.assign(nodes, 1);
  dir_.assign(nodes, kDown);
  flow_.assign(nodes, 0.0);
  pi_.assign(nodes, 0.0);
  position_.assign(nodes, 0);
  parent_[root_] = -1;
  pred_[root_] = -1;
  depth_[root_] = 0;
  for (int64_t u = 0; u < nodes; ++u) {
    thread_[u] = (u + 1) % nodes;
    rev_thread_[(u + 1) % nodes] = u;
  }
  for (int64_t u = 0; u < n_ + m_; ++u) {
    pred_[u] = num_arcs_ + u;
    if (u < n_ && a_[u] > 0.0) {
      dir_[u] = kUp;
      flow_[u] = a_[u];
    } else {
      flow_[u] = u < n_ ? 0.0 : b_[u - n_];
    }
  }
  RecomputePotentials();
}

// Cost of the tree arc joining u to its parent.
template <typename Cost>
double NetworkSimplex<Cost>::PredCost(int64_t u) const {
  const int64_t e = pred_[u];
  if (e >= num_arcs_) return dir_[u] == kUp ? 0.0 : art_cost_;
  return cost_(e / m_, e % m_);
}

// Potentials from scratch along the thread (a preorder: parents come first),
// so that tree arcs have reduced cost 0 up to one rounding. Incremental updates
// in Pivot drift by a rounding per pivot; this resets the drift.
template <typename Cost>
void NetworkSimplex<Cost>::RecomputePotentials() {
  // The root's own potential is free. Choose it so that the artificial arcs
  // still in the tree give their nodes potential 0: -kArt for root -> node arcs,
  // 0 for source -> root ones. At the optimum all of them are of one kind (a
  // mix would leave arcs of reduced cost ~ -kArt), so the potentials come out
  // O(max |C| * depth) instead of O(kArt), without their rounding.
  bool any_down = false;
  for (int64_t u = 0; u < n_ + m_; ++u) {
    any_down |= parent_[u] == root_ && dir_[u] == kDown && !Inert(u);
  }
  pi_[root_] = any_down ? -art_cost_ : 0.0;
  for (int64_t u = thread_[root_]; u != root_; u = thread_[u]) {
    if (Inert(u)) {
      pi_[u] = u < n_ ? kInf : -kInf;
      continue;
    }
    const double c = PredCost(u);
    pi_[u] = dir_[u] == kUp ? pi_[parent_[u]] - c : pi_[parent_[u]] + c;
  }
}

template <typename Cost>
double NetworkSimplex<Cost>::CurrentCost() const {
  double total = 0.0;
  for (int64_t u = 0; u < n_ + m_; ++u) {
    if (pred_[u] < num_arcs_ && flow_[u] > 0.0) total += flow_[u] * PredCost(u);
  }
  return total;
}

// Block search, then the pivot. Scan arcs in storage order (column by column), keep the most
// negative reduced cost, and stop at the end of the first block that holds an
// improving arc. Tree arcs have rc = 0 up to rounding and are skipped by an
// O(1) test that only runs when an arc beats the current best (rarely).
template <typename Cost>
typename NetworkSimplex<Cost>::Search NetworkSimplex<Cost>::FindEnteringArc() {
  const int64_t n = n_;
  const int64_t m = m_;
  const double* pi = pi_.data();
  double best = 0.0;
  int64_t best_i = -1;
  int64_t best_j = -1;
  int64_t i = next_i_;
  int64_t j = next_j_;
  int64_t left_in_block = block_size_;
  int64_t left = num_arcs_;
  double scratch[kChunk];
  while (left > 0) {
    const int64_t end = i + std::min({n - i, left_in_block, left});
    const double gj = pi[n + j];
    // Most chunks hold nothing better than `best`: a branch-free minimum with
    // four independent chains finds that out at memory speed, and only the
    // rare chunk that wins is scanned again for its argmin.
    for (int64_t c = i; c < end; c += kChunk) {
      const int64_t len = std::min(end - c, kChunk);
      const double* cost = cost_.Chunk(j, c, c + len, scratch);
      const double* pic = pi + c;
      double m0 = kInf, m1 = kInf, m2 = kInf, m3 = kInf;
      int64_t r = 0;
      for (; r + 4 <= len; r += 4) {
        m0 = std::min(m0, cost[r] + pic[r] - gj);
        m1 = std::min(m1, cost[r + 1] + pic[r + 1] - gj);
        m2 = std::min(m2, cost[r + 2] + pic[r + 2] - gj);
        m3 = std::min(m3, cost[r + 3] + pic[r + 3] - gj);
      }
      for (; r < len; ++r) m0 = std::min(m0, cost[r] + pic[r] - gj);
      if (std::min(std::min(m0, m1), std::min(m2, m3)) >= best) continue;
      for (r = 0; r < len; ++r) {
        const double rc = cost[r] + pic[r] - gj;
        if (rc < best && !IsTreeArc(c + r, j)) {
          best = rc;
          best_i = c + r;
          best_j = j;
        }
      }
    }
    left_in_block -= end - i;
    left -= end - i;
    i = end;
    if (i == n) {
      i = 0;
      if (++j == m) j = 0;
    }
    if (left_in_block == 0) {
      left_in_block = block_size_;
      if (observer_.StopRequested()) return Search::kStopped;
      if (Improving(best, best_i, best_j)) break;
    }
  }
  next_i_ = i;
  next_j_ = j;
  last_rc_ = best;
  if (!Improving(best, best_i, best_j)) return Search::kNone;
  Pivot(best_i, best_j, best);
  return Search::kFound;
}

// Brings arc (i, j) into the tree: pushes the largest feasible flow around the
// cycle it closes, removes the leaving arc, re-hangs the cut-off subtree from
// the entering arc and shifts its potentials.
template <typename Cost>
void NetworkSimplex<Cost>::Pivot(int64_t i, int64_t j, double rc) {
  const int64_t p = i;       // tail of the entering arc
  const int64_t q = n_ + j;  // head
  // Apex of the cycle.
  int64_t u = p;
  int64_t v = q;
  while (u != v) {
    if (depth_[u] >= depth_[v]) u = parent_[u];
    if (depth_[v] > depth_[u]) v = parent_[v];
  }
  const int64_t apex = u;

  // Flow goes p -> q, up from q to the apex and down from the apex to p. Arcs
  // against that direction lose flow: on p's side those pointing up, on q's
  // side those pointing down. Among the blocking ones, Cunningham's rule takes
  // the last met when going round the cycle from the apex (apex..p, p -> q,
  // q..apex): the one nearest the apex on q's side, else nearest p on p's side.
  double delta = kInf;
  int64_t out = -1;
  bool out_on_q_side = false;
  for (u = p; u != apex; u = parent_[u]) {
    if (dir_[u] == kUp && flow_[u] < delta) {
      delta = flow_[u];
      out = u;
    }
  }
  for (u = q; u != apex; u = parent_[u]) {
    if (dir_[u] == kDown && flow_[u] <= delta) {
      delta = flow_[u];
      out = u;
      out_on_q_side = true;
    }
  }
  if (delta > 0.0) {
    for (u = p; u != apex; u = parent_[u]) flow_[u] += dir_[u] == kUp ? -delta : delta;
    for (u = q; u != apex; u = parent_[u]) flow_[u] += dir_[u] == kDown ? -delta : delta;
  }

  // The subtree below the leaving arc is re-rooted at u_in (the end of the
  // entering arc on its side) and hung from v_in.
  const int64_t u_in = out_on_q_side ? q : p;
  const int64_t v_in = out_on_q_side ? p : q;

  // Old preorder of the cut subtree.
  subtree_.clear();
  const int64_t out_depth = depth_[out];
  const int64_t before = rev_thread_[out];
  int64_t after = out;
  do {
    position_[after] = static_cast<int64_t>(subtree_.size());
    subtree_.push_back(after);
    after = thread_[after];
  } while (depth_[after] > out_depth);

  // Stem: u_in, parent(u_in), ..., out. Its parent links get reversed.
  stem_.clear();
  for (u = u_in;; u = parent_[u]) {
    stem_.push_back(u);
    if (u == out) break;
  }

  // New preorder: each stem node s_t followed by its old descendants minus the
  // branch of s_{t-1}. In the old preorder those are two contiguous runs:
  // [s_t, s_{t-1}) and (end of s_{t-1}'s subtree, end of s_t's subtree].
  order_.clear();
  const int64_t size = static_cast<int64_t>(subtree_.size());
  int64_t prev_start = 0;
  int64_t prev_end = -1;
  for (size_t t = 0; t < stem_.size(); ++t) {
    const int64_t s = stem_[t];
    const int64_t start = position_[s];
    int64_t end = t == 0 ? start : prev_end;
    while (end + 1 < size && depth_[subtree_[end + 1]] > depth_[s]) ++end;
    if (t == 0) {
      order_.insert(order_.end(), subtree_.begin() + start, subtree_.begin() + end + 1);
    } else {
      order_.insert(order_.end(), subtree_.begin() + start, subtree_.begin() + prev_start);
      order_.insert(order_.end(), subtree_.begin() + prev_end + 1, subtree_.begin() + end + 1);
    }
    prev_start = start;
    prev_end = end;
  }

  // Reverse the stem (from the top, so each old link is read before it is overwritten).
  for (size_t t = stem_.size() - 1; t > 0; --t) {
    const int64_t s = stem_[t];
    const int64_t child = stem_[t - 1];
    parent_[s] = child;
    pred_[s] = pred_[child];
    dir_[s] = static_cast<int8_t>(-dir_[child]);
    flow_[s] = flow_[child];
  }
  parent_[u_in] = v_in;
  pred_[u_in] = i * m_ + j;
  dir_[u_in] = u_in == p ? kUp : kDown;
  flow_[u_in] = delta;

  // Splice the thread: cut the old run out, insert the new one after v_in.
  thread_[before] = after;
  rev_thread_[after] = before;
  int64_t last = v_in;
  const int64_t next = thread_[v_in];
  for (int64_t w : order_) {
    thread_[last] = w;
    rev_thread_[w] = last;
    last = w;
  }
  thread_[last] = next;
  rev_thread_[next] = last;

  // rc(p -> q) = C + pi_p - pi_q must become 0: raise the moved side's potentials.
  const double sigma = u_in == q ? rc : -rc;
  for (int64_t w : order_) {
    depth_[w] = depth_[parent_[w]] + 1;
    pi_[w] += sigma;
  }
}

template <typename Cost>
absl::StatusOr<ExactOtOutput> NetworkSimplex<Cost>::Solve() {
  Init();
  // Potentials are recomputed exactly this often (O(n + m), amortised O(1) per pivot).
  const int64_t recompute_every = std::max<int64_t>(1024, n_ + m_);
  bool exact = true;  // potentials fresh from RecomputePotentials
  ExactOtStatus status = ExactOtStatus::kOptimal;
  for (;;) {
    if (max_iterations_ > 0 && pivots_ >= max_iterations_) {
      status = ExactOtStatus::kIterationLimit;
      break;
    }
    const Search found = FindEnteringArc();
    if (found == Search::kStopped) return Stopped();
    if (found == Search::kNone) {
      // Optimal for the current potentials; confirm with drift-free ones.
      if (exact) break;
      RecomputePotentials();
      exact = true;
      continue;
    }
    ++pivots_;
    exact = false;
    if (pivots_ % recompute_every == 0) {
      RecomputePotentials();
      exact = true;
    }
    if (pivots_ % kProgressEvery == 0) {
      observer_.OnProgress({pivots_, std::abs(last_rc_), CurrentCost()});
    }
  }
  if (!exact) RecomputePotentials();
  return BuildOutput(status);
}

template <typename Cost>
absl::StatusOr<ExactOtOutput> NetworkSimplex<Cost>::BuildOutput(ExactOtStatus status) {
  ExactOtOutput out;
  out.status = status;
  out.iterations = pivots_;

  // Plan: the real tree arcs carrying flow.
  struct Entry {
    int64_t row, col;
    double value;
  };
  std::vector<Entry> entries;
  entries.reserve(static_cast<size_t>(n_ + m_));
  // Mass still routed through the root: supply not yet shipped (source -> root)
  // and demand not yet met (root -> target).
  std::vector<Entry> surplus, deficit;
  for (int64_t u = 0; u < n_ + m_; ++u) {
    if (!(flow_[u] > 0.0)) continue;
    const int64_t e = pred_[u];
    if (e < num_arcs_) {
      entries.push_back({e / m_, e % m_, flow_[u]});
    } else if (u < n_) {
      surplus.push_back({u, 0, flow_[u]});
    } else {
      deficit.push_back({u - n_, 0, flow_[u]});
    }
  }
  // At the optimum that mass is rounding (sum a - sum b); it is dropped. After
  // an early stop it is shipped by the north-west corner rule, which keeps the
  // plan feasible; each residual node adds at most one arc, and the tree had
  // one artificial arc per residual node, so there are still <= n + m - 1.
  if (status == ExactOtStatus::kOptimal) {
    double residual = 0.0;
    for (const Entry& entry : surplus) residual += entry.value;
    for (const Entry& entry : deficit) residual += entry.value;
    // Big-M guarantees this; more than rounding would be a bug.
    if (residual > 1e-12) {
      return absl::InternalError(
          absl::StrCat("exact OT: ", residual, " of mass left on artificial arcs at the optimum"));
    }
  } else {
    size_t s = 0;
    size_t t = 0;
    while (s < surplus.size() && t < deficit.size()) {
      const double moved = std::min(surplus[s].value, deficit[t].value);
      entries.push_back({surplus[s].row, deficit[t].row, moved});
      surplus[s].value -= moved;
      deficit[t].value -= moved;
      if (surplus[s].value <= 0.0) ++s;
      if (deficit[t].value <= 0.0) ++t;
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
    return x.row != y.row ? x.row < y.row : x.col < y.col;
  });
  for (const Entry& entry : entries) {
    out.transport_cost += entry.value * cost_(entry.row, entry.col);
    if (!out.plan_rows.empty() && out.plan_rows.back() == entry.row &&
        out.plan_cols.back() == entry.col) {
      out.plan_values.back() += entry.value;  // a north-west arc on a tree arc
      continue;
    }
    out.plan_rows.push_back(entry.row);
    out.plan_cols.push_back(entry.col);
    out.plan_values.push_back(entry.value);
  }

  // Duals. Inert (zero-weight) points get the c-transform of the others: the
  // largest value that keeps every constraint f_i + g_j <= C_ij.
  out.f.resize(n_);
  out.g.resize(m_);
  for (int64_t i = 0; i < n_; ++i) out.f[i] = -pi_[i];
  for (int64_t j = 0; j < m_; ++j) out.g[j] = pi_[n_ + j];
  for (int64_t i = 0; i < n_; ++i) {
    if (a_[i] != 0.0) continue;
    double best = kInf;
    for (int64_t j = 0; j < m_; ++j) {
      if (b_[j] != 0.0) best = std::min(best, cost_(i, j) - out.g[j]);
    }
    out.f[i] = best;
  }
  for (int64_t j = 0; j < m_; ++j) {
    if (b_[j] != 0.0) continue;
    double best = kInf;
    for (int64_t i = 0; i < n_; ++i) best = std::min(best, cost_(i, j) - out.f[i]);
    out.g[j] = best;
  }
  // POT's center_ot_dual: f + c, g - c with c = (<g, b> - <f, a>) / (sum a + sum b).
  const double shift = (b_.dot(out.g) - a_.dot(out.f)) / (a_.sum() + b_.sum());
  out.f.array() += shift;
  out.g.array() -= shift;
  out.dual_objective = a_.dot(out.f) + b_.dot(out.g);
  observer_.OnProgress({pivots_, std::abs(last_rc_), out.transport_cost});
  return out;
}

// n*m arc ids plus n+m artificial ones must fit in int64.
absl::Status CheckSize(int64_t n, int64_t m) {
  if (n > (std::numeric_limits<int64_t>::max() - n - m - 1) / m) {
    return absl::InvalidArgumentError(
        absl::StrCat("the problem is too large: ", n, " x ", m, " arcs overflow 64-bit ids"));
  }
  return absl::OkStatus();
}

template <typename Cost>
absl::StatusOr<ExactOtOutput> Run(const Cost& cost, const VectorXd& a, const VectorXd& b,
                                  double max_abs_cost, const ExactOtOptions& options,
                                  Observer& observer) {
  NetworkSimplex<Cost> solver(cost, a, b, max_abs_cost, options, observer);
  return solver.Solve();
}

}  // namespace

absl::Status ValidateExactOtOptions(const ExactOtOptions& options) {
  if (options.max_iterations < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_iterations: must be >= 0 (0 means no limit), got ", options.max_iterations));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExactOtOutput> SolveExactOt(const LinearProblem& problem,
                                           const ExactOtOptions& options, Observer& observer) {
  if (absl::Status s = ValidateExactOtOptions(options); !s.ok()) return s;
  if (absl::Status s = CheckSize(problem.n(), problem.m()); !s.ok()) return s;
  const double max_abs_cost = problem.cost().cwiseAbs().maxCoeff();
  const DenseCost cost(problem.cost().data(), problem.n());
  return Run(cost, problem.a(), problem.b(), max_abs_cost, options, observer);
}

absl::StatusOr<ExactOtOutput> SolveExactOtFromPoints(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                     const Eigen::Ref<const Eigen::MatrixXd>& y,
                                                     const Eigen::VectorXd& a,
                                                     const Eigen::VectorXd& b,
                                                     const GroundCost& cost,
                                                     const ExactOtOptions& options,
                                                     Observer& observer) {
  if (absl::Status s = ValidateExactOtOptions(options); !s.ok()) return s;
  if (absl::Status s = ValidatePoints(x, y); !s.ok()) return s;
  if (absl::Status s = ValidateGroundCost(cost); !s.ok()) return s;
  absl::StatusOr<VectorXd> wa = NormalizedWeights(a, x.rows(), "a");
  if (!wa.ok()) return wa.status();
  absl::StatusOr<VectorXd> wb = NormalizedWeights(b, y.rows(), "b");
  if (!wb.ok()) return wb.status();
  if (absl::Status s = CheckSize(x.rows(), y.rows()); !s.ok()) return s;

  // Sources coordinate by coordinate, targets point by point (see PointCost).
  const Eigen::MatrixXd xs = x;
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> ys = y;
  // An upper bound on the largest distance (for the big-M cost only, so a bound
  // is enough): every point is within r_x or r_y of the common centre.
  const Eigen::RowVectorXd centre = 0.5 * (x.colwise().mean() + y.colwise().mean());
  const double diameter = std::sqrt((x.rowwise() - centre).rowwise().squaredNorm().maxCoeff()) +
                          std::sqrt((y.rowwise() - centre).rowwise().squaredNorm().maxCoeff());
  const int64_t d = x.cols();
  switch (cost.kind) {
    case CostKind::kSquaredEuclidean:
      return Run(PointCost(xs.data(), xs.rows(), ys.data(), d, SquaredNorm{}), *wa, *wb,
                 diameter * diameter, options, observer);
    case CostKind::kEuclidean:
      return Run(PointCost(xs.data(), xs.rows(), ys.data(), d, Norm{}), *wa, *wb, diameter, options,
                 observer);
    case CostKind::kPower:
      return Run(PointCost(xs.data(), xs.rows(), ys.data(), d, NormPower{0.5 * cost.p}), *wa, *wb,
                 std::pow(diameter, cost.p), options, observer);
  }
  return absl::InternalError("unknown cost kind");
}

}  // namespace advect
