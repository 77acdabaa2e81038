#include "scenarios/cli/side_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

namespace testplanet::cli {
namespace {

// The child's reply: empty for OK, else the status code as one byte and then the message.
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

void WriteAll(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

std::string ReadAll(int fd) {
  std::string bytes;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return bytes;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

// In the child, before the job: signals are this process's to act on, and the child goes with it.
void DetachSignals(pid_t parent) {
  for (int signal : {SIGINT, SIGTERM, SIGUSR1}) ::signal(signal, SIG_IGN);
#ifdef __linux__
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  if (::getppid() != parent) ::_exit(1);  // the parent died before the line above
}

}  // namespace

ChildProcessWriter::~ChildProcessWriter() {
  if (child_ > 0) Wait().IgnoreError();
}

void ChildProcessWriter::Start(UniqueFunction<Status()> job) {
  if (child_ > 0) Wait().IgnoreError();
  ran_here_ = Status::Ok();
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) {
    ran_here_ = job();
    return;
  }
  // Whatever stdio holds is printed once, by this process: the child leaves with _exit.
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(ends[0]);
    ::close(ends[1]);
    ran_here_ = job();
    return;
  }
  if (child == 0) {
    ::close(ends[0]);
    DetachSignals(parent);
    WriteAll(ends[1], EncodeStatus(job()));
    ::_exit(0);  // no destructors, no atexit: this process's state is the parent's to end
  }
  ::close(ends[1]);
  child_ = child;
  reply_ = ends[0];
}

Status ChildProcessWriter::Wait() {
  if (child_ <= 0) return std::exchange(ran_here_, Status::Ok());
  const std::string reply = ReadAll(reply_);
  ::close(reply_);
  reply_ = -1;
  int wait_status = 0;
  pid_t waited;
  do {
    waited = ::waitpid(child_, &wait_status, 0);
  } while (waited < 0 && errno == EINTR);
  const pid_t child = std::exchange(child_, -1);
  const std::string writer = what_ + ": its writer (process " + std::to_string(child) + ")";
  if (waited < 0)
    return InternalError(writer + " could not be waited for: " + std::strerror(errno));
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
