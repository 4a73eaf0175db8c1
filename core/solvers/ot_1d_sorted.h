// W_p^p between two 1-D measures whose supports are already sorted (as ordered
// keys, core/solvers/radix_sort.h): the quantile walk of SCIENCE.md a2, shared
// by SolveOt1d and SolveSliced. Each returns nullopt when the observer asks to
// stop (it is polled every few ten thousand steps).
// Reference: Peyre & Cuturi, Computational Optimal Transport (2019), sec. 2.6.
#ifndef ADVECT_CORE_SOLVERS_OT_1D_SORTED_H_
#define ADVECT_CORE_SOLVERS_OT_1D_SORTED_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "core/observer.h"
#include "core/solvers/radix_sort.h"

namespace advect {

// Uniform weights 1/n and 1/m. With n == m the quantile functions are matched
// point by point, W_p^p = (1/n) sum_k |x_(k) - y_(k)|^p; otherwise the walk
// moves integer masses (each source point holds m units, each target point n
// units), so no rounding error accumulates in the remaining masses.
std::optional<double> SortedUniformCost(const std::vector<uint64_t>& x,
                                        const std::vector<uint64_t>& y, double p,
                                        const Observer& observer);

// Weighted: weights normalised to sum 1 on each side.
std::optional<double> SortedWeightedCost(const std::vector<KeyWeight>& x,
                                         const std::vector<KeyWeight>& y, double p,
                                         const Observer& observer);

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_OT_1D_SORTED_H_
