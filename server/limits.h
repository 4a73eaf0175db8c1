// Size limits on what a client may submit (all configurable, see advectd --help).
#ifndef ADVECT_SERVER_LIMITS_H_
#define ADVECT_SERVER_LIMITS_H_

#include <cstdint>

namespace advect::server {

struct Limits {
  int64_t max_points = 100'000;             // per point cloud (n or m)
  int64_t max_points_1d = 4'000'000;        // per measure of an ot_1d job
  int64_t max_dimension = 4'096;            // d
  int64_t max_cost_entries = 16'777'216;    // n * m (4096^2)
  int64_t max_plan_entries = 1'048'576;     // n * m when return_plan (1024^2, 8 MiB)
  int32_t max_frames = 1'000;               // default and cap for JobSpec.max_frames
  int64_t max_directions = 10'000;          // sliced_ot directions per job
  int64_t max_interacting_particles = 50'000;  // n of all-pairs particle jobs (n^2 pairs per step)
  int threads_per_job = 2;                  // threads a job's solver may use (sliced_ot, entropic_ot, ot_interpolation, flow_sample, langevin_sample)
};

}  // namespace advect::server

#endif  // ADVECT_SERVER_LIMITS_H_
