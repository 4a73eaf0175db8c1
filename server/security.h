// advectd's transport security and caller authentication: TLS (optionally
// mutual) from PEM files, and bearer tokens from a file. Health checks and
// reflection stay open; every AdvectService call is checked.
#ifndef ADVECT_SERVER_SECURITY_H_
#define ADVECT_SERVER_SECURITY_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/string_ref.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace advect::server {

// The files named by --tls-cert, --tls-key, --tls-client-ca and --auth-tokens
// (empty: not given).
struct SecurityFiles {
  std::string tls_cert, tls_key, tls_client_ca, auth_tokens;
};

// PEM texts of the server's certificate chain and key, and of the CA that
// signs client certificates (empty: clients need no certificate).
struct TlsSettings {
  std::string cert_chain_pem, private_key_pem, client_ca_pem;
};

struct SecurityOptions {
  std::optional<TlsSettings> tls;   // unset: plaintext
  std::vector<std::string> tokens;  // empty: calls need no token
};

// Reads and checks the files. INVALID_ARGUMENT names the flag and the problem
// (a key without a certificate, an unreadable file, text that is not PEM, a
// token file with no token or with a token that cannot travel in a header).
absl::StatusOr<SecurityOptions> LoadSecurity(const SecurityFiles& files);

// Parses a token file: one token a line; blank lines, lines starting with '#'
// and surrounding whitespace are ignored. `source` names the file in errors.
absl::StatusOr<std::vector<std::string>> ParseTokens(const std::string& text,
                                                     const std::string& source);

// TLS credentials (requiring and verifying a client certificate when a client
// CA is set), or plaintext ones.
std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const SecurityOptions& options);

// Checks the `authorization: Bearer TOKEN` metadata of a call against the
// configured tokens. Every token is compared in full whatever the presented
// value (no early exit), so the time taken does not reveal a matching prefix.
class TokenAuthenticator {
 public:
  explicit TokenAuthenticator(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

  bool enabled() const { return !tokens_.empty(); }

  // OK when disabled or when the call carries a configured token; otherwise
  // UNAUTHENTICATED saying whether the token was missing or wrong. Sets
  // *token_index (when given) to the matching token's position, -1 if none.
  absl::Status Check(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                     int* token_index = nullptr) const;

 private:
  std::vector<std::string> tokens_;
};

// True when `secret` and `presented` are equal, taking time that depends only on
// the size of `secret`.
bool ConstantTimeEquals(absl::string_view secret, absl::string_view presented);

}  // namespace advect::server

#endif  // ADVECT_SERVER_SECURITY_H_
