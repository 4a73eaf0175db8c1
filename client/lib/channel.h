// Creating the gRPC channel to advectd and choosing its address.
#ifndef ADVECT_CLIENT_LIB_CHANNEL_H_
#define ADVECT_CLIENT_LIB_CHANNEL_H_

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/strings/string_view.h"

namespace advect::client {

// The address used when neither --server nor ADVECT_SERVER is given.
inline constexpr char kDefaultServer[] = "127.0.0.1:50051";

// Largest request the client sends (256 MiB); responses are unlimited.
inline constexpr int kMaxSendMessageBytes = 256 * 1024 * 1024;

// The server address: `flag` when not empty, else `env` (the value of
// ADVECT_SERVER, may be null or empty), else kDefaultServer.
std::string ResolveServerAddress(absl::string_view flag, const char* env);

// An insecure channel to `target` (HOST:PORT or any gRPC target URI) with an
// unlimited receive size and a send size of kMaxSendMessageBytes.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target);

}  // namespace advect::client

#endif  // ADVECT_CLIENT_LIB_CHANNEL_H_
