#include "peers/protocol/signing.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace testplanet {

std::string DeterministicBytes(const google::protobuf::MessageLite& message) {
  // Sized first, then written in place: a string grown by a stream reallocates two or three
  // times for a message of a few hundred bytes, and every order and RPC goes through here.
  std::string out(message.ByteSizeLong(), '\0');
  {
    // The coded stream writes its last bytes when it is destroyed: before `out` is returned.
    google::protobuf::io::ArrayOutputStream array(out.data(), static_cast<int>(out.size()));
    google::protobuf::io::CodedOutputStream coded(&array);
    coded.SetSerializationDeterministic(true);
    message.SerializeWithCachedSizes(&coded);
  }
  return out;
}

namespace {

std::string UnsignedBytes(const pb::OrderLimit& limit) {
  pb::OrderLimit copy = limit;
  copy.clear_satellite_signature();
  return DeterministicBytes(copy);
}

std::string UnsignedBytes(const pb::Order& order) {
  pb::Order copy = order;
  copy.clear_uplink_signature();
  return DeterministicBytes(copy);
}

}  // namespace

void SignOrderLimit(const Identity& satellite, pb::OrderLimit& limit) {
  limit.set_satellite_signature(satellite.Sign(UnsignedBytes(limit)));
}

bool VerifyOrderLimitSignature(std::string_view satellite_public_key, const pb::OrderLimit& limit) {
  return Identity::Verify(satellite_public_key, UnsignedBytes(limit), limit.satellite_signature());
}

void SignOrder(const Identity& uplink, pb::Order& order) {
  order.set_uplink_signature(uplink.Sign(UnsignedBytes(order)));
}

bool VerifyOrderSignature(std::string_view uplink_public_key, const pb::Order& order) {
  return Identity::Verify(uplink_public_key, UnsignedBytes(order), order.uplink_signature());
}

}  // namespace testplanet
