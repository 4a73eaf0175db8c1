#include "client/cli/plot_source.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <system_error>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "client/cli/errors.h"
#include "client/cli/output.h"
#include "client/lib/convert.h"
#include "client/lib/status.h"

namespace advect::cli {
namespace {

namespace fs = std::filesystem;

// Spec fields a figure may draw: points, weights, targets, grids.
const std::set<std::string>& InputNames() {
  static const auto* names = new std::set<std::string>{"x",
                                                       "y",
                                                       "a",
                                                       "b",
                                                       "target",
                                                       "target_weights",
                                                       "gmm_means",
                                                       "gmm_weights",
                                                       "tokens",
                                                       "new_points",
                                                       "initial_noise",
                                                       "initial_points",
                                                       "initial_neurons",
                                                       "grid_lo",
                                                       "grid_hi",
                                                       "density"};
  return *names;
}

void AddProgress(PlotSource* source, const v1::Progress& p) {
  source->progress.push_back({static_cast<double>(p.iteration()), p.error(), p.objective()});
}

void AddFrame(PlotSource* source, const v1::TrajectoryFrame& frame) {
  absl::StatusOr<Array> positions = client::FromMatrix(frame.positions());
  if (!positions.ok()) return;
  if (!source->frames.empty() && (positions->values.rows() != source->frames.front().rows() ||
                                  positions->values.cols() != source->frames.front().cols())) {
    return;
  }
  source->frames.push_back(std::move(positions->values));
  source->frame_times.push_back(frame.time());
}

absl::Status Write(const std::string& path, const Array& array) {
  if (absl::Status s = WriteNpy(path, array); !s.ok()) {
    return InputError(absl::StrCat("--out: ", s.message()));
  }
  return absl::OkStatus();
}

std::map<std::string, Array> ReadArrays(const fs::path& dir) {
  std::map<std::string, Array> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".npy") continue;
    absl::StatusOr<Array> array = ReadNpy(entry.path().string());
    if (array.ok()) out.emplace(entry.path().stem().string(), *std::move(array));
  }
  return out;
}

}  // namespace

const Array* PlotSource::Result(const std::string& name) const {
  auto it = result.find(name);
  return it == result.end() || it->second.values.size() == 0 ? nullptr : &it->second;
}

const Array* PlotSource::Input(const std::string& name) const {
  auto it = inputs.find(name);
  return it == inputs.end() || it->second.values.size() == 0 ? nullptr : &it->second;
}

std::string SpecKind(const v1::JobSpec& spec) {
  const auto* oneof = v1::JobSpec::descriptor()->FindOneofByName("kind");
  const auto* field = spec.GetReflection()->GetOneofFieldDescriptor(spec, oneof);
  return field == nullptr ? "" : field->name();
}

std::map<std::string, Array> SpecInputs(const v1::JobSpec& spec) {
  std::map<std::string, Array> out;
  const auto* oneof = v1::JobSpec::descriptor()->FindOneofByName("kind");
  const auto* field = spec.GetReflection()->GetOneofFieldDescriptor(spec, oneof);
  if (field == nullptr) return out;
  const google::protobuf::Message& typed = spec.GetReflection()->GetMessage(spec, field);
  for (auto& [name, array] : ResultArrays(typed)) {
    if (InputNames().count(name) && array.values.size() > 0) out.emplace(name, std::move(array));
  }
  return out;
}

absl::Status WriteRunRecord(const std::string& dir, const std::string& job_id,
                            const std::string& kind, const std::map<std::string, Array>& inputs,
                            const std::vector<ProgressPoint>& progress,
                            const std::vector<double>& frame_times) {
  const fs::path root(dir);
  {
    std::ofstream json(root / "job.json", std::ios::trunc);
    json << "{\"job_id\": \"" << job_id << "\", \"kind\": \"" << kind << "\"}\n";
    if (!json)
      return InputError(absl::StrCat("--out: cannot write ", (root / "job.json").string()));
  }
  if (!progress.empty()) {
    Array p;
    p.values.resize(static_cast<Eigen::Index>(progress.size()), 3);
    for (size_t k = 0; k < progress.size(); ++k) {
      p.values.row(static_cast<Eigen::Index>(k)) << progress[k].iteration, progress[k].error,
          progress[k].objective;
    }
    if (absl::Status s = Write((root / "progress.npy").string(), p); !s.ok()) return s;
  }
  if (!frame_times.empty()) {
    Array t;
    t.ndim = 1;
    t.values = Eigen::Map<const Eigen::VectorXd>(frame_times.data(),
                                                 static_cast<Eigen::Index>(frame_times.size()));
    if (absl::Status s = Write((root / "frame_times.npy").string(), t); !s.ok()) return s;
  }
  if (inputs.empty()) return absl::OkStatus();
  std::error_code ec;
  fs::create_directories(root / "inputs", ec);
  if (ec) return InputError(absl::StrCat("--out: cannot create ", (root / "inputs").string()));
  for (const auto& [name, array] : inputs) {
    if (absl::Status s = Write((root / "inputs" / (name + ".npy")).string(), array); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PlotSource> LoadJobSource(const Context& context, const std::string& job_id) {
  PlotSource source;
  source.job_id = job_id;
  {
    grpc::ClientContext rpc;
    v1::GetJobRequest request;
    request.set_job_id(job_id);
    v1::GetJobResponse response;
    grpc::Status status = context.stub->GetJob(&rpc, request, &response);
    if (!status.ok()) return RpcFailure(context, status);
    const v1::Job& job = response.job();
    if (job.state() == v1::JOB_STATE_FAILED || job.state() == v1::JOB_STATE_CANCELLED) {
      return JobFailedError(absl::StrCat("job ", job_id, " ended ",
                                         client::JobStateName(job.state()),
                                         ": there is no result to plot"));
    }
    if (job.state() != v1::JOB_STATE_SUCCEEDED || TypedResult(job.result()) == nullptr) {
      return RpcError(grpc::Status(
          grpc::StatusCode::FAILED_PRECONDITION,
          absl::StrCat("job ", job_id, " is ", client::JobStateName(job.state()),
                       "; plot it once it has succeeded ('advect jobs watch ", job_id, "')")));
    }
    source.kind = job.kind();
    for (auto& [name, array] : ResultArrays(*TypedResult(job.result()))) {
      source.result.emplace(name, std::move(array));
    }
  }
  grpc::ClientContext rpc;
  v1::WatchJobRequest request;
  request.set_job_id(job_id);
  std::unique_ptr<grpc::ClientReaderInterface<v1::WatchJobResponse>> reader =
      context.stub->WatchJob(&rpc, request);
  v1::WatchJobResponse response;
  while (reader->Read(&response)) {
    const v1::JobEvent& event = response.event();
    if (event.has_progress()) AddProgress(&source, event.progress());
    if (event.has_frame()) AddFrame(&source, event.frame());
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return RpcFailure(context, status);
  return source;
}

absl::StatusOr<PlotSource> LoadDirSource(const std::string& dir) {
  const fs::path root(dir);
  std::ifstream file(root / "job.json");
  if (!file) {
    return InputError(
        absl::StrCat("--from: ", dir, " has no job.json; give a directory written by --out"));
  }
  std::stringstream text;
  text << file.rdbuf();
  google::protobuf::Struct json;
  if (!google::protobuf::util::JsonStringToMessage(text.str(), &json).ok()) {
    return InputError(absl::StrCat("--from: ", (root / "job.json").string(), " is not JSON"));
  }
  PlotSource source;
  const auto& fields = json.fields();
  if (fields.count("job_id")) source.job_id = fields.at("job_id").string_value();
  if (fields.count("kind")) source.kind = fields.at("kind").string_value();
  if (source.kind.empty()) {
    return InputError(absl::StrCat("--from: ", (root / "job.json").string(), " names no kind"));
  }
  source.result = ReadArrays(root);
  source.inputs = ReadArrays(root / "inputs");
  for (const char* name : {"progress", "frame_times", "trajectory"}) source.result.erase(name);
  if (absl::StatusOr<Array> p = ReadNpy((root / "progress.npy").string());
      p.ok() && p->values.cols() == 3) {
    for (Eigen::Index k = 0; k < p->values.rows(); ++k) {
      source.progress.push_back({p->values(k, 0), p->values(k, 1), p->values(k, 2)});
    }
  }
  if (fs::exists(root / "trajectory.npy")) {
    absl::StatusOr<std::vector<Eigen::MatrixXd>> frames =
        ReadNpyStack((root / "trajectory.npy").string());
    if (!frames.ok()) {
      return InputError(absl::StrCat("--from: ", (root / "trajectory.npy").string(), ": ",
                                     frames.status().message()));
    }
    source.frames = *std::move(frames);
    absl::StatusOr<Array> t = ReadNpy((root / "frame_times.npy").string());
    for (size_t k = 0; k < source.frames.size(); ++k) {
      const bool known = t.ok() && static_cast<Eigen::Index>(k) < t->values.rows();
      source.frame_times.push_back(known ? t->values(static_cast<Eigen::Index>(k), 0)
                                         : static_cast<double>(k));
    }
  }
  return source;
}

}  // namespace advect::cli
