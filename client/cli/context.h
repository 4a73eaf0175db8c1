// What a command needs to run: global options, the stub and the output streams.
#ifndef ADVECT_CLIENT_CLI_CONTEXT_H_
#define ADVECT_CLIENT_CLI_CONTEXT_H_

#include <cstdio>
#include <memory>

#include <grpcpp/channel.h>

#include "advect/v1/advect_service.grpc.pb.h"
#include "client/cli/command_line.h"

namespace advect::cli {

struct Context {
  GlobalOptions globals;
  v1::AdvectService::StubInterface* stub = nullptr;
  std::shared_ptr<grpc::Channel> channel;  // the stub's channel (other services: health)
  std::FILE* out = stdout;   // results only
  std::FILE* err = stderr;   // messages and the progress line
  bool err_is_tty = false;   // draw the progress line and hints
};

// RpcError(status) plus, for UNAVAILABLE, a hint naming the server address.
absl::Status RpcFailure(const Context& context, const grpc::Status& status);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_CONTEXT_H_
