#include "client/lib/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace advect::client {

std::string ResolveServerAddress(absl::string_view flag, const char* env) {
  if (!flag.empty()) return std::string(flag);
  if (env != nullptr && env[0] != '\0') return env;
  return kDefaultServer;
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(kMaxSendMessageBytes);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

}  // namespace advect::client
