// The one mapping from absl::Status (core and job engine) to grpc::Status.
#ifndef ADVECT_SERVER_STATUS_UTIL_H_
#define ADVECT_SERVER_STATUS_UTIL_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace advect::server {

// Same code (the numbering is shared); the message is truncated to 2 KiB.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace advect::server

#endif  // ADVECT_SERVER_STATUS_UTIL_H_
