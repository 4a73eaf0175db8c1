#include "server/security.h"

#include <fstream>
#include <sstream>

#include <grpcpp/security/server_credentials.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace advect::server {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read \"", path, "\""));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The text of a PEM file that must hold a block whose label ends with `label`.
absl::StatusOr<std::string> ReadPem(const std::string& flag, const std::string& path,
                                    const std::string& label) {
  absl::StatusOr<std::string> text = ReadFile(flag, path);
  if (!text.ok()) return text.status();
  if (!absl::StrContains(*text, "-----BEGIN ") || !absl::StrContains(*text, label + "-----")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": \"", path, "\" holds no PEM ", label, " block"));
  }
  return text;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseTokens(const std::string& text,
                                                     const std::string& source) {
  std::vector<std::string> tokens;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    for (char c : line) {
      // Visible ASCII only: what an HTTP/2 header value can carry after "Bearer ".
      if (c < 0x21 || c > 0x7e) {
        return absl::InvalidArgumentError(
            absl::StrCat(source, ": line ", line_number,
                         ": a token must be visible ASCII without spaces (one token a line)"));
      }
    }
    tokens.emplace_back(line);
  }
  if (tokens.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": no token (one token a line; '#' starts a comment)"));
  }
  return tokens;
}

absl::StatusOr<SecurityOptions> LoadSecurity(const SecurityFiles& files) {
  SecurityOptions options;
  if (files.tls_cert.empty() != files.tls_key.empty()) {
    return absl::InvalidArgumentError(files.tls_cert.empty() ? "--tls-key: needs --tls-cert too"
                                                             : "--tls-cert: needs --tls-key too");
  }
  if (!files.tls_client_ca.empty() && files.tls_cert.empty()) {
    return absl::InvalidArgumentError(
        "--tls-client-ca: mutual TLS needs --tls-cert and --tls-key too");
  }
  if (!files.tls_cert.empty()) {
    TlsSettings tls;
    absl::StatusOr<std::string> cert = ReadPem("tls-cert", files.tls_cert, "CERTIFICATE");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem("tls-key", files.tls_key, "PRIVATE KEY");
    if (!key.ok()) return key.status();
    tls.cert_chain_pem = *std::move(cert);
    tls.private_key_pem = *std::move(key);
    if (!files.tls_client_ca.empty()) {
      absl::StatusOr<std::string> ca = ReadPem("tls-client-ca", files.tls_client_ca, "CERTIFICATE");
      if (!ca.ok()) return ca.status();
      tls.client_ca_pem = *std::move(ca);
    }
    options.tls = std::move(tls);
  }
  if (!files.auth_tokens.empty()) {
    absl::StatusOr<std::string> text = ReadFile("auth-tokens", files.auth_tokens);
    if (!text.ok()) return text.status();
    absl::StatusOr<std::vector<std::string>> tokens =
        ParseTokens(*text, absl::StrCat("--auth-tokens \"", files.auth_tokens, "\""));
    if (!tokens.ok()) return tokens.status();
    options.tokens = *std::move(tokens);
  }
  return options;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const SecurityOptions& options) {
  if (!options.tls.has_value()) return grpc::InsecureServerCredentials();
  const TlsSettings& tls = *options.tls;
  grpc::SslServerCredentialsOptions ssl(
      tls.client_ca_pem.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = tls.client_ca_pem;
  ssl.pem_key_cert_pairs.push_back({tls.private_key_pem, tls.cert_chain_pem});
  return grpc::SslServerCredentials(ssl);
}

bool ConstantTimeEquals(absl::string_view secret, absl::string_view presented) {
  // Walks all of `secret` whatever `presented` holds; differences are OR-ed, never branched on.
  volatile unsigned char diff = secret.size() == presented.size() ? 0 : 1;
  const size_t m = presented.size();
  for (size_t i = 0; i < secret.size(); ++i) {
    const unsigned char p = m == 0 ? 0 : static_cast<unsigned char>(presented[i % m]);
    diff = diff | (static_cast<unsigned char>(secret[i]) ^ p);
  }
  return diff == 0;
}

absl::Status TokenAuthenticator::Check(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata, int* token_index) const {
  if (token_index != nullptr) *token_index = -1;
  if (tokens_.empty()) return absl::OkStatus();
  const auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "missing bearer token: send metadata \"authorization: Bearer TOKEN\" (advect --token, "
        "or ADVECT_TOKEN)");
  }
  const absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError("authorization metadata: expected \"Bearer TOKEN\"");
  }
  const absl::string_view presented = absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  int match = -1;
  for (size_t i = 0; i < tokens_.size(); ++i) {
    if (ConstantTimeEquals(tokens_[i], presented)) match = static_cast<int>(i);
  }
  if (match < 0) return absl::UnauthenticatedError("invalid bearer token");
  if (token_index != nullptr) *token_index = match;
  return absl::OkStatus();
}

}  // namespace advect::server
