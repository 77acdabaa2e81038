// ChildProcessWriter: the command line's report::SideWriter. Its job runs in a child process
// (fork), on the core the single-threaded simulation leaves idle, while this process writes the
// other reports; the job's status comes back through a pipe.
//
// The child sees this process's memory as it was at Start (copy-on-write), so it reads the
// run's result and model without copying them, and what it changes stays in the child. It
// ignores Ctrl-C, SIGTERM and a sweep's SIGUSR1 (this process decides what an interrupt stops,
// and waits for the file to be whole) and is killed if this process dies. Where no child can be
// made, the job runs here at Start, in turn, as without a side writer.
// Trap: the child has only the thread that forked. The job may allocate (jemalloc and glibc
// re-arm their locks across fork) and write files; it must not wait on anything another thread
// of this process (RocksDB's) might hold.
#ifndef TESTPLANET_SCENARIOS_CLI_SIDE_PROCESS_H_
#define TESTPLANET_SCENARIOS_CLI_SIDE_PROCESS_H_

#include <sys/types.h>

#include <string>

#include "scenarios/report/reports.h"

namespace testplanet::cli {

class ChildProcessWriter : public report::SideWriter {
 public:
  // `what` names the job in an error about the child itself ("trace.json").
  explicit ChildProcessWriter(std::string what) : what_(std::move(what)) {}
  ~ChildProcessWriter() override;
  ChildProcessWriter(const ChildProcessWriter&) = delete;
  ChildProcessWriter& operator=(const ChildProcessWriter&) = delete;

  void Start(UniqueFunction<Status()> job) override;
  Status Wait() override;

 private:
  std::string what_;
  pid_t child_ = -1;
  int reply_ = -1;   // the pipe's read end: the child's status
  Status ran_here_;  // the job's status when it ran at Start
};

}  // namespace testplanet::cli

#endif  // TESTPLANET_SCENARIOS_CLI_SIDE_PROCESS_H_
