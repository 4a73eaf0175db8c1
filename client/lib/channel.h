// Creating the gRPC channel to advectd and choosing its address.
#ifndef ADVECT_CLIENT_LIB_CHANNEL_H_
#define ADVECT_CLIENT_LIB_CHANNEL_H_

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace advect::client {

// The address used when neither --server nor ADVECT_SERVER is given.
inline constexpr char kDefaultServer[] = "127.0.0.1:50051";

// Largest request the client sends (256 MiB); responses are unlimited.
inline constexpr int kMaxSendMessageBytes = 256 * 1024 * 1024;

// The server address: `flag` when not empty, else `env` (the value of
// ADVECT_SERVER, may be null or empty), else kDefaultServer.
std::string ResolveServerAddress(absl::string_view flag, const char* env);

// How the channel authenticates the server and itself.
struct ChannelSecurity {
  bool tls = false;                // TLS; the server is verified against ca_pem, else the system roots
  std::string ca_pem;              // PEM roots that sign the server's certificate
  std::string cert_pem, key_pem;   // client certificate and key (mutual TLS); both or neither
  std::string token;               // bearer token sent with every call (empty: none)
};

// The files and token given as --tls, --tls-ca, --tls-cert, --tls-key and
// --token read into a ChannelSecurity (any TLS file implies TLS).
// INVALID_ARGUMENT names the flag: an unreadable file, a certificate without
// its key, a token that cannot travel in a header.
absl::StatusOr<ChannelSecurity> LoadChannelSecurity(bool tls, const std::string& ca_file,
                                                    const std::string& cert_file,
                                                    const std::string& key_file,
                                                    const std::string& token);

// A channel to `target` (HOST:PORT or any gRPC target URI) with an unlimited
// receive size and a send size of kMaxSendMessageBytes: plaintext, or TLS as
// `security` says, with its bearer token added to every call's metadata
// ("authorization: Bearer TOKEN").
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           const ChannelSecurity& security = {});

}  // namespace advect::client

#endif  // ADVECT_CLIENT_LIB_CHANNEL_H_
