#include "client/cli/health_command.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "client/cli/common_flags.h"
#include "client/cli/errors.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace advect::cli {

using HealthStatus = grpc::health::v1::HealthCheckResponse;

absl::Status RunHealth(const Context& context, const ParsedFlags& flags) {
  std::optional<double> timeout;
  if (absl::Status s = OptionalDouble(flags, "timeout", &timeout); !s.ok()) return s;
  if (timeout && !(*timeout > 0.0 && *timeout <= 3600.0)) {
    return UsageError("--timeout: must be in (0, 3600] seconds");
  }
  auto stub = grpc::health::v1::Health::NewStub(context.channel);
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(std::lround(timeout.value_or(5.0) * 1000.0)));
  grpc::health::v1::HealthCheckRequest request;  // service "": the server as a whole
  HealthStatus response;
  const grpc::Status status = stub->Check(&call, request, &response);
  if (!status.ok()) return RpcFailure(context, status);
  const std::string name = HealthStatus::ServingStatus_Name(response.status());
  if (context.globals.json) {
    std::fprintf(context.out, "{\"status\": \"%s\"}\n", name.c_str());
  } else {
    std::fprintf(context.out, "%s\n", name.c_str());
  }
  if (response.status() != HealthStatus::SERVING) {
    return RpcError(
        grpc::Status(grpc::StatusCode::UNAVAILABLE,
                     absl::StrCat("the server at ", context.globals.server, " reports ", name)));
  }
  return absl::OkStatus();
}

}  // namespace advect::cli
