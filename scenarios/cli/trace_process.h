// ChromeTraceProcess: trace.json written as the run goes by a child process, on the core the
// single-threaded simulation leaves idle. The records trace.json is made from (and the names they
// use, each sent once before its first use) go to the child through a socket; the child runs a
// report::ChromeTraceStream on them and sends back its status when Finish has written the end.
// Why a process: writing the stream in the run's own thread made the network's week 1.20x
// slower (1,164 s simulating against 968 s, back to back): a few percent for the span tracking
// and JSON themselves, the rest the simulation slowed beside them. In a child it is 1.05x.
// Promises: the files are the ones a ChromeTraceStream in this process would write, byte for
// byte. Where no child can be made the stream runs here. The child ignores Ctrl-C, SIGTERM and a
// sweep's SIGUSR1 (this process decides what an interrupt stops, and Finish still ends the
// file) and dies with this process.
// Trap: construct it before the planet is built: the child is forked then, while the process is
// small and no RocksDB thread holds a lock the child could need.
#ifndef TESTPLANET_SCENARIOS_CLI_TRACE_PROCESS_H_
#define TESTPLANET_SCENARIOS_CLI_TRACE_PROCESS_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "scenarios/report/chrome_trace.h"

namespace testplanet::cli {

class ChromeTraceProcess final : public report::ChromeTraceSink {
 public:
  ChromeTraceProcess(std::string path, report::ChromeTraceStream::Options options);
  ~ChromeTraceProcess() override;
  ChromeTraceProcess(const ChromeTraceProcess&) = delete;
  ChromeTraceProcess& operator=(const ChromeTraceProcess&) = delete;

  void Add(const TraceRecord& record, const report::NameTables& tables) override;
  Status Finish(const scenario::RunResult& result) override;

  // The child's process id until Finish has waited for it; -1 when the stream runs here.
  pid_t child() const { return child_; }

 private:
  // Bytes gathered before they go to the child in one write.
  static constexpr std::size_t kSendBytes = std::size_t{256} << 10;

  void SendNames(const report::NameTables& tables);
  void Send();
  Status WaitForChild();

  std::string path_;
  report::ChromeTraceKinds kinds_;  // the records sent; the others would not change the file
  std::unique_ptr<report::ChromeTraceStream> here_;  // when no child could be made
  pid_t child_ = -1;
  int socket_ = -1;      // this end: the records go out, the child's status comes back
  bool broken_ = false;  // the child stopped reading: it will say why
  std::string out_;
  std::size_t peers_sent_ = 0;  // peer names sent: the first this many
  std::set<std::uint64_t> names_sent_;
};

}  // namespace testplanet::cli

#endif  // TESTPLANET_SCENARIOS_CLI_TRACE_PROCESS_H_
