// What `advect plot` draws from: a finished job's kind, result arrays,
// progress reports and trajectory frames, and the input arrays it was given.
// It comes from the server (GetJob + WatchJob) or from an --out directory.
#ifndef ADVECT_CLIENT_CLI_PLOT_SOURCE_H_
#define ADVECT_CLIENT_CLI_PLOT_SOURCE_H_

#include <map>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "advect/v1/job.pb.h"
#include "client/cli/context.h"
#include "core/io/npy.h"

namespace advect::cli {

struct ProgressPoint {
  double iteration = 0, error = 0, objective = 0;
};

struct PlotSource {
  std::string job_id;
  std::string kind;                     // the JobSpec.kind field name, e.g. "entropic_ot"
  std::map<std::string, Array> result;  // the result's arrays by field name
  std::map<std::string, Array> inputs;  // the spec's point sets and weights by field name
  std::vector<ProgressPoint> progress;
  std::vector<Eigen::MatrixXd> frames;
  std::vector<double> frame_times;

  const Array* Result(const std::string& name) const;
  const Array* Input(const std::string& name) const;
};

// The spec's oneof field name ("entropic_ot"); "" when none is set.
std::string SpecKind(const v1::JobSpec& spec);

// The spec's arrays a figure uses (points, weights, targets, grids), by field name.
std::map<std::string, Array> SpecInputs(const v1::JobSpec& spec);

// Writes what LoadDirSource reads besides the result arrays: job.json (id and
// kind), progress.npy (k x 3: iteration, error, objective), frame_times.npy
// and inputs/<field>.npy. Input errors (exit 3) name the file.
absl::Status WriteRunRecord(const std::string& dir, const std::string& job_id,
                            const std::string& kind, const std::map<std::string, Array>& inputs,
                            const std::vector<ProgressPoint>& progress,
                            const std::vector<double>& frame_times);

// A finished job from the server: GetJob for its kind and result, WatchJob
// from the start for its progress and frames (those the log retained). A job
// that has not succeeded is an error saying its state.
absl::StatusOr<PlotSource> LoadJobSource(const Context& context, const std::string& job_id);

// A directory written by a run command's --out (or `advect jobs get --out`).
absl::StatusOr<PlotSource> LoadDirSource(const std::string& dir);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_PLOT_SOURCE_H_
