#include "server/logging.h"

#include <chrono>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/spdlog.h"

namespace advect::server {
namespace {

void AppendJsonString(std::string* out, absl::string_view text) {
  out->push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// The id in a message "job <id> ...", or empty.
absl::string_view JobId(absl::string_view message) {
  if (!absl::StartsWith(message, "job ")) return {};
  message.remove_prefix(4);
  const size_t end = message.find(' ');
  const absl::string_view id = message.substr(0, end);
  if (id.empty() || id.size() > 64) return {};
  for (char c : id) {
    if (!absl::ascii_isxdigit(c)) return {};
  }
  return id;
}

// The whole line as JSON (spdlog's %J flag; the pattern is "%J" alone).
class JsonFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& tm_time,
              spdlog::memory_buf_t& dest) override {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count() %
        1'000'000;
    const std::string time = absl::StrFormat(
        "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm_time.tm_year + 1900, tm_time.tm_mon + 1,
        tm_time.tm_mday, tm_time.tm_hour, tm_time.tm_min, tm_time.tm_sec, micros);
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string line =
        JsonLogLine(time, std::string(level.data(), level.size()), msg.thread_id,
                    std::string(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonFlag>();
  }
};

}  // namespace

std::string JsonLogLine(const std::string& time_utc, const std::string& level, size_t thread,
                        const std::string& message) {
  std::string out = "{\"time\":";
  AppendJsonString(&out, time_utc);
  out.append(",\"level\":");
  AppendJsonString(&out, level);
  absl::StrAppend(&out, ",\"thread\":", thread);
  if (const absl::string_view id = JobId(message); !id.empty()) {
    out.append(",\"job_id\":");
    AppendJsonString(&out, id);
  }
  out.append(",\"msg\":");
  AppendJsonString(&out, message);
  out.push_back('}');
  return out;
}

absl::Status ConfigureLogging(const std::string& level, const std::string& format) {
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
  if (format == "text") return absl::OkStatus();
  if (format != "json") {
    return absl::InvalidArgumentError(
        absl::StrCat("--log-format: expected text or json, got \"", format, "\""));
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonFlag>('J').set_pattern("%J");
  spdlog::set_formatter(std::move(formatter));
  return absl::OkStatus();
}

}  // namespace advect::server
