#include "client/cli/output.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "client/cli/errors.h"
#include "client/lib/convert.h"
#include "client/lib/status.h"

namespace advect::cli {
namespace {

using google::protobuf::FieldDescriptor;

void Line(std::string* out, absl::string_view name, absl::string_view value) {
  // Names of 16 characters or more still get one space before the value.
  absl::StrAppend(out, absl::StrFormat(name.size() < 16 ? "%-16s%s\n" : "%s %s\n", name, value));
}

std::string Num(double v) { return absl::StrFormat("%.10g", v); }
std::string Small(double v) { return absl::StrFormat("%.3g", v); }

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return absl::StrCat("{\"error\": \"cannot print JSON\"}");
  return out;
}

const google::protobuf::Message* TypedResult(const v1::JobResult& result) {
  const auto* oneof = v1::JobResult::descriptor()->FindOneofByName("kind");
  const FieldDescriptor* field = result.GetReflection()->GetOneofFieldDescriptor(result, oneof);
  if (field == nullptr) return nullptr;
  return &result.GetReflection()->GetMessage(result, field);
}

std::vector<std::pair<std::string, Array>> ResultArrays(const google::protobuf::Message& message) {
  std::vector<std::pair<std::string, Array>> out;
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
      const auto values = reflection->GetRepeatedFieldRef<double>(message, field);
      Array array;
      array.ndim = 1;
      array.values.resize(values.size(), 1);
      for (int k = 0; k < values.size(); ++k) array.values(k, 0) = values.Get(k);
      out.emplace_back(field->name(), std::move(array));
    } else if (field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
      // Steps and sizes, written as float64 (exact).
      const auto values = reflection->GetRepeatedFieldRef<int32_t>(message, field);
      Array array;
      array.ndim = 1;
      array.values.resize(values.size(), 1);
      for (int k = 0; k < values.size(); ++k) array.values(k, 0) = values.Get(k);
      out.emplace_back(field->name(), std::move(array));
    } else if (field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
      // Counts and steps, written as float64 (exact below 2^53).
      const auto values = reflection->GetRepeatedFieldRef<int64_t>(message, field);
      Array array;
      array.ndim = 1;
      array.values.resize(values.size(), 1);
      for (int k = 0; k < values.size(); ++k) {
        array.values(k, 0) = static_cast<double>(values.Get(k));
      }
      out.emplace_back(field->name(), std::move(array));
    } else if (!field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
               field->message_type() == v1::Matrix::descriptor() &&
               reflection->HasField(message, field)) {
      const auto& matrix =
          static_cast<const v1::Matrix&>(reflection->GetMessage(message, field));
      if (absl::StatusOr<Array> array = client::FromMatrix(matrix); array.ok()) {
        out.emplace_back(field->name(), *std::move(array));
      }
    } else if (!field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
               field->message_type() == v1::SparseMatrix::descriptor() &&
               reflection->HasField(message, field)) {
      const auto& sparse =
          static_cast<const v1::SparseMatrix&>(reflection->GetMessage(message, field));
      const int k = std::min({sparse.row_indices_size(), sparse.col_indices_size(),
                              sparse.values_size()});
      Array array;
      array.ndim = 2;
      array.values.resize(k, 3);
      for (int e = 0; e < k; ++e) {
        array.values(e, 0) = sparse.row_indices(e);
        array.values(e, 1) = sparse.col_indices(e);
        array.values(e, 2) = sparse.values(e);
      }
      out.emplace_back(field->name(), std::move(array));
    } else if (!field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
               reflection->HasField(message, field)) {
      // A nested result message (e.g. the diagnostics): its non-empty arrays,
      // by their names.
      for (auto& entry : ResultArrays(reflection->GetMessage(message, field))) {
        if (entry.second.values.size() > 0) out.push_back(std::move(entry));
      }
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> WriteResultArrays(
    const std::string& dir, const google::protobuf::Message& message) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    return InputError(absl::StrCat("--out: cannot create directory ", dir,
                                   ec ? absl::StrCat(": ", ec.message()) : ""));
  }
  std::vector<std::string> written;
  for (const auto& [name, array] : ResultArrays(message)) {
    std::string path = (std::filesystem::path(dir) / (name + ".npy")).string();
    if (absl::Status s = WriteNpy(path, array); !s.ok()) {
      return InputError(absl::StrCat("--out: ", s.message()));
    }
    written.push_back(std::move(path));
  }
  return written;
}

std::string FormatOtResult(const v1::EntropicOtResult& r) {
  std::string out;
  Line(&out, "transport cost", Num(r.transport_cost()));
  Line(&out, "dual objective", Num(r.dual_objective()));
  Line(&out, "iterations",
       r.log_domain_iterations() > 0
           ? absl::StrCat(r.iterations(), " (", r.log_domain_iterations(), " in the log domain)")
           : absl::StrCat(r.iterations()));
  Line(&out, "marginal error", Small(r.marginal_error()));
  Line(&out, "converged",
       absl::StrCat(r.converged() ? "yes" : "no", " (tolerance ", Small(r.tolerance()), ")"));
  Line(&out, "epsilon", Num(r.epsilon()));
  if (r.cost_scale() != 1.0 && r.cost_scale() != 0.0) {
    Line(&out, "cost scale", absl::StrCat(Num(r.cost_scale()), " (costs are normalised)"));
  }
  Line(&out, "potentials", absl::StrCat("f: ", r.f_size(), " values, g: ", r.g_size(), " values"));
  if (r.has_plan()) Line(&out, "plan", absl::StrCat(r.plan().rows(), " x ", r.plan().cols()));
  return out;
}

namespace {

// "transport_cost" -> "transport cost".
std::string Label(const std::string& name) {
  std::string out = name;
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

// An enum value without its type prefix, lower case: EXACT_OT_STATUS_OPTIMAL -> "optimal".
std::string EnumLabel(const google::protobuf::EnumValueDescriptor* value) {
  std::string type;
  for (char c : value->type()->name()) {
    if (std::isupper(static_cast<unsigned char>(c)) && !type.empty()) type += '_';
    type += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  std::string name = value->name();
  if (absl::StartsWith(name, type + "_")) name = name.substr(type.size() + 1);
  std::string out = Label(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string FormatFields(const google::protobuf::Message& message) {
  std::string out;
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const std::string name = Label(field->name());
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      if (size > 0) Line(&out, name, absl::StrCat(size, size == 1 ? " value" : " values"));
      continue;
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_DOUBLE:
        Line(&out, name, Num(reflection->GetDouble(message, field)));
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        Line(&out, name, absl::StrCat(reflection->GetInt32(message, field)));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        Line(&out, name, absl::StrCat(reflection->GetInt64(message, field)));
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        Line(&out, name, reflection->GetBool(message, field) ? "yes" : "no");
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        Line(&out, name, EnumLabel(reflection->GetEnum(message, field)));
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        if (!reflection->HasField(message, field)) break;
        const auto& sub = reflection->GetMessage(message, field);
        if (field->message_type() == v1::Matrix::descriptor()) {
          const auto& m = static_cast<const v1::Matrix&>(sub);
          Line(&out, name, absl::StrCat(m.rows(), " x ", m.cols()));
        } else if (field->message_type() == v1::SparseMatrix::descriptor()) {
          const auto& m = static_cast<const v1::SparseMatrix&>(sub);
          Line(&out, name, absl::StrCat(m.rows(), " x ", m.cols(), ", ", m.values_size(),
                                        " nonzeros"));
        } else {
          absl::StrAppend(&out, FormatFields(sub));  // e.g. the diagnostics, flattened
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

}  // namespace

std::string FormatResult(const v1::JobResult& result) {
  if (result.has_entropic_ot()) return FormatOtResult(result.entropic_ot());
  const google::protobuf::Message* typed = TypedResult(result);
  if (typed == nullptr) return std::string();
  std::string out = FormatFields(*typed);
  if (result.has_exact_ot() &&
      result.exact_ot().status() == v1::EXACT_OT_STATUS_ITERATION_LIMIT) {
    Line(&out, "warning",
         absl::StrCat("NOT OPTIMAL: stopped by the iteration limit after ",
                      result.exact_ot().iterations(), " pivots"));
  }
  return out;
}

std::string FormatRunInfo(const RunInfo& info) {
  std::string out;
  if (info.frames > 0) Line(&out, "frames", absl::StrCat(info.frames));
  Line(&out, "job id", info.job_id.empty() ? "-" : info.job_id);
  Line(&out, "elapsed", absl::StrFormat("%.3f s", info.elapsed_seconds));
  return out;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  absl::Time t = absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string FormatJob(const v1::Job& job) {
  std::string out;
  Line(&out, "job id", job.job_id());
  Line(&out, "kind", job.kind());
  Line(&out, "state", client::JobStateName(job.state()));
  if (job.has_error()) Line(&out, "error", client::FormatJobError(job.error()));
  Line(&out, "created", FormatTimestamp(job.create_time()));
  Line(&out, "started", FormatTimestamp(job.start_time()));
  Line(&out, "ended", FormatTimestamp(job.end_time()));
  if (job.has_start_time() && job.has_end_time()) {
    const double secs = static_cast<double>(job.end_time().seconds() - job.start_time().seconds()) +
                        (job.end_time().nanos() - job.start_time().nanos()) * 1e-9;
    Line(&out, "run time", absl::StrFormat("%.3f s", secs));
  }
  if (job.has_progress()) {
    Line(&out, "progress",
         absl::StrCat("iteration ", job.progress().iteration(), ", error ",
                      Small(job.progress().error()), ", objective ",
                      Num(job.progress().objective())));
  }
  Line(&out, "last sequence", absl::StrCat(job.last_sequence()));
  if (job.frames_emitted() > 0 || job.frames_dropped() > 0) {
    Line(&out, "frames",
         absl::StrCat(job.frames_emitted(), " emitted, ", job.frames_dropped(), " dropped"));
  }
  if (TypedResult(job.result()) != nullptr) {
    absl::StrAppend(&out, "\n", FormatResult(job.result()));
  }
  return out;
}

std::string FormatJobList(const v1::ListJobsResponse& response) {
  std::vector<std::vector<std::string>> rows = {
      {"JOB ID", "KIND", "STATE", "CREATED", "ITERATION", "ERROR"}};
  for (const v1::Job& job : response.jobs()) {
    rows.push_back({job.job_id(), job.kind(), client::JobStateName(job.state()),
                    FormatTimestamp(job.create_time()),
                    job.has_progress() ? absl::StrCat(job.progress().iteration()) : "-",
                    job.has_error() ? client::FormatJobError(job.error()) : ""});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      absl::StrAppend(&line, row[c]);
      if (c + 1 < row.size()) line.append(width[c] - row[c].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  if (response.jobs().empty()) absl::StrAppend(&out, "(no jobs)\n");
  if (!response.next_page_token().empty()) {
    absl::StrAppend(&out, "more jobs: advect jobs list --page-token ", response.next_page_token(),
                    "\n");
  }
  return out;
}

std::string FormatEvent(const v1::JobEvent& event) {
  std::string what;
  switch (event.kind_case()) {
    case v1::JobEvent::kStateChange:
      what = absl::StrCat("state ", client::JobStateName(event.state_change().state()));
      if (event.state_change().has_error()) {
        absl::StrAppend(&what, ": ", client::FormatJobError(event.state_change().error()));
      }
      break;
    case v1::JobEvent::kProgress:
      what = absl::StrCat("progress iteration ", event.progress().iteration(), ", error ",
                          Small(event.progress().error()), ", objective ",
                          Num(event.progress().objective()));
      break;
    case v1::JobEvent::kFrame:
      what = absl::StrCat("frame ", event.frame().index(), " (step ", event.frame().step(), ", ",
                          event.frame().positions().rows(), " x ",
                          event.frame().positions().cols(), " positions)");
      break;
    case v1::JobEvent::kResult:
      if (event.result().has_entropic_ot()) {
        const auto& r = event.result().entropic_ot();
        what = absl::StrCat("result transport cost ", Num(r.transport_cost()), ", iterations ",
                            r.iterations(), ", marginal error ", Small(r.marginal_error()),
                            ", converged ", r.converged() ? "yes" : "no");
      } else if (const auto* typed = TypedResult(event.result()); typed != nullptr) {
        const FieldDescriptor* cost = typed->GetDescriptor()->FindFieldByName("transport_cost");
        what = absl::StrCat("result ", typed->GetDescriptor()->name());
        if (cost != nullptr) {
          absl::StrAppend(&what, ", transport cost ",
                          Num(typed->GetReflection()->GetDouble(*typed, cost)));
        }
      } else {
        what = "result";
      }
      break;
    default:
      what = "(unknown event)";
  }
  return absl::StrFormat("%4d  %s  %s", event.sequence(), FormatTimestamp(event.time()), what);
}

}  // namespace advect::cli
