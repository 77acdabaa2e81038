#include "scenarios/cli/trace_process.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "scenarios/language/runner.h"

namespace testplanet::cli {
namespace {

// What goes down the socket: a tag byte, then the message. Both ends are this one binary, so a
// record goes as its bytes.
constexpr char kRecord = 'R';    // a TraceRecord
constexpr char kPeerName = 'P';  // u32 peer, u32 length, the name
constexpr char kName = 'N';      // u64 id, u32 length, the name
constexpr char kFinish = 'F';    // i64 the run's end, u64 its digest

template <typename T>
void Put(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void PutText(std::string& out, std::string_view text) {
  Put(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

bool WriteAll(int socket, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(socket, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads the socket's messages in the child, a buffer at a time.
class MessageReader {
 public:
  explicit MessageReader(int fd) : fd_(fd), buffer_(std::size_t{256} << 10) {}

  // False at the end of the records (or an error) before `size` bytes came.
  bool Read(void* out, std::size_t size) {
    auto* to = static_cast<char*>(out);
    while (size > 0) {
      if (at_ == end_ && !Fill()) return false;
      const std::size_t n = std::min(size, end_ - at_);
      std::memcpy(to, buffer_.data() + at_, n);
      at_ += n;
      to += n;
      size -= n;
    }
    return true;
  }
  bool ReadText(std::string& text) {
    std::uint32_t size = 0;
    if (!Read(&size, sizeof size)) return false;
    text.resize(size);
    return Read(text.data(), size);
  }

 private:
  bool Fill() {
    for (;;) {
      const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      at_ = 0;
      end_ = static_cast<std::size_t>(n);
      return true;
    }
  }

  int fd_;
  std::vector<char> buffer_;
  std::size_t at_ = 0, end_ = 0;
};

// The child's status: empty for OK, else the status code as one byte and then the message.
std::string EncodeStatus(const Status& status) {
  if (status.ok()) return "";
  return static_cast<char>(status.code()) + std::string(status.message());
}

Status DecodeStatus(const std::string& reply) {
  if (reply.empty()) return Status::Ok();
  const int code = static_cast<unsigned char>(reply[0]);
  const bool known = code > 0 && code <= static_cast<int>(StatusCode::kUnauthenticated);
  return Status(known ? static_cast<StatusCode>(code) : StatusCode::kUnknown, reply.substr(1));
}

std::string ReadToEnd(int fd) {
  std::string bytes;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return bytes;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

// The child's whole life: the messages in, trace.json out; its status once Finish has run.
Status RunStream(MessageReader& in, report::ChromeTraceStream& stream) {
  std::vector<std::string> peer_names;
  std::map<std::uint64_t, std::string> names;
  const report::NameTables tables{peer_names, names};
  TraceRecord record{};
  std::uint32_t peer = 0;
  std::uint64_t id = 0;
  std::int64_t end_ns = 0;
  std::string text;
  char tag = 0;
  bool whole = true;
  while (whole && in.Read(&tag, 1)) {
    switch (tag) {
      case kRecord:
        whole = in.Read(&record, sizeof record);
        if (whole) stream.Add(record, tables);
        break;
      case kPeerName:
        whole = in.Read(&peer, sizeof peer) && in.ReadText(text);
        if (whole && peer >= peer_names.size()) peer_names.resize(peer + std::size_t{1});
        if (whole) peer_names[peer] = text;
        break;
      case kName:
        whole = in.Read(&id, sizeof id) && in.ReadText(text);
        if (whole) names[id] = text;
        break;
      case kFinish: {
        scenario::RunResult result;
        if (!in.Read(&end_ns, sizeof end_ns) || !in.Read(&result.digest, sizeof result.digest)) {
          whole = false;
          break;
        }
        result.end = TimePoint(Duration(end_ns));
        result.peer_names = std::move(peer_names);
        result.names = std::move(names);
        return stream.Finish(result);
      }
      default:
        whole = false;
    }
  }
  return InternalError("the run's records stopped before its end");
}

// In the child, first: signals are the parent's to act on, and the child goes with it.
void DetachSignals(pid_t parent) {
  for (int signal : {SIGINT, SIGTERM, SIGUSR1}) ::signal(signal, SIG_IGN);
#ifdef __linux__
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  if (::getppid() != parent) ::_exit(1);  // the parent died before the line above
}

}  // namespace

ChromeTraceProcess::ChromeTraceProcess(std::string path, report::ChromeTraceStream::Options options)
    : path_(std::move(path)), kinds_(options.level) {
  // One socket both ways: the records go down it, the child's status comes back up it, and a
  // send to a child that died fails (MSG_NOSIGNAL) instead of killing this process with SIGPIPE.
  int ends[2];
  pid_t child = -1;
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0) {
    const int buffer_bytes = 1 << 20;  // fewer wake-ups of either side; any size works
    ::setsockopt(ends[1], SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
    ::setsockopt(ends[0], SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
    std::fflush(nullptr);  // whatever stdio holds is printed once, by this process
    const pid_t parent = ::getpid();
    child = ::fork();
    if (child == 0) {
      ::close(ends[1]);
      DetachSignals(parent);
      MessageReader in(ends[0]);
      Status status;
      {
        report::ChromeTraceStream stream(path_, std::move(options));
        status = RunStream(in, stream);
      }
      WriteAll(ends[0], EncodeStatus(status));
      ::_exit(0);  // no destructors, no atexit: this process's state is the parent's to end
    }
    ::close(ends[0]);
    if (child < 0) ::close(ends[1]);
  }
  if (child < 0) {  // no socket or no child: the stream runs here
    here_ = std::make_unique<report::ChromeTraceStream>(path_, std::move(options));
    return;
  }
  child_ = child;
  socket_ = ends[1];
  out_.reserve(kSendBytes + 4096);
}

ChromeTraceProcess::~ChromeTraceProcess() {
  if (child_ > 0) WaitForChild().IgnoreError();
}

void ChromeTraceProcess::Add(const TraceRecord& record, const report::NameTables& tables) {
  if (here_) return here_->Add(record, tables);
  if (broken_ || !kinds_.Takes(record.kind)) return;
  if (tables.peer_names.size() != peers_sent_ || tables.names.size() != names_sent_.size()) {
    SendNames(tables);
  }
  out_ += kRecord;
  Put(out_, record);
  if (out_.size() >= kSendBytes) Send();
}

// Names only grow (a peer is registered, a name interned), so what is new is the tables' ends:
// the peers past those sent, and the names not sent yet, found when the table has grown.
void ChromeTraceProcess::SendNames(const report::NameTables& tables) {
  for (; peers_sent_ < tables.peer_names.size(); ++peers_sent_) {
    out_ += kPeerName;
    Put(out_, static_cast<std::uint32_t>(peers_sent_));
    PutText(out_, tables.peer_names[peers_sent_]);
  }
  if (tables.names.size() == names_sent_.size()) return;
  for (const auto& [id, name] : tables.names) {
    if (!names_sent_.insert(id).second) continue;
    out_ += kName;
    Put(out_, id);
    PutText(out_, name);
  }
}

void ChromeTraceProcess::Send() {
  if (!WriteAll(socket_, out_)) broken_ = true;
  out_.clear();
}

Status ChromeTraceProcess::Finish(const scenario::RunResult& result) {
  if (here_) return here_->Finish(result);
  if (child_ <= 0) return FailedPreconditionError(path_ + ": finished already");
  SendNames({result.peer_names, result.names});
  out_ += kFinish;
  Put(out_, static_cast<std::int64_t>(result.end.time_since_epoch().count()));
  Put(out_, result.digest);
  Send();
  return WaitForChild();
}

Status ChromeTraceProcess::WaitForChild() {
  // The end of the records (a child that never saw kFinish stops there), then its status.
  ::shutdown(socket_, SHUT_WR);
  const std::string reply = ReadToEnd(socket_);
  ::close(socket_);
  socket_ = -1;
  int wait_status = 0;
  pid_t waited;
  do {
    waited = ::waitpid(child_, &wait_status, 0);
  } while (waited < 0 && errno == EINTR);
  const pid_t child = std::exchange(child_, -1);
  const std::string writer = path_ + ": its writer (process " + std::to_string(child) + ")";
  if (waited < 0) {
    return InternalError(writer + " could not be waited for: " + std::strerror(errno));
  }
  if (WIFSIGNALED(wait_status)) {
    const int signal = WTERMSIG(wait_status);
    return InternalError(writer + " was killed by signal " + std::to_string(signal) + " (" +
                         ::strsignal(signal) + ")");
  }
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return InternalError(writer + " exited with status " +
                         std::to_string(WEXITSTATUS(wait_status)));
  }
  return DecodeStatus(reply);
}

}  // namespace testplanet::cli
