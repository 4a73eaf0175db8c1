// Small helpers between std::chrono and google.protobuf.Timestamp.
#ifndef ADVECT_SERVER_TIME_UTIL_H_
#define ADVECT_SERVER_TIME_UTIL_H_

#include <chrono>

#include <google/protobuf/timestamp.pb.h>

namespace advect::server {

inline void SetNow(google::protobuf::Timestamp* ts) {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
  ts->set_seconds(nanos / 1'000'000'000);
  ts->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
}

}  // namespace advect::server

#endif  // ADVECT_SERVER_TIME_UTIL_H_
