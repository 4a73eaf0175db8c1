#include "client/cli/context.h"

#include "absl/strings/str_cat.h"
#include "client/cli/errors.h"

namespace advect::cli {

absl::Status RpcFailure(const Context& context, const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE) return RpcError(status);
  return RpcError(grpc::Status(
      status.error_code(),
      absl::StrCat(status.error_message(), " (is advectd running at ", context.globals.server,
                   "? set --server or ADVECT_SERVER)")));
}

}  // namespace advect::cli
