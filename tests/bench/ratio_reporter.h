// RatioReporter: Google Benchmark's console output, plus a closing table of cost ratios between
// a benchmark and its baseline measured in the same process (the project reports speed as
// ratios, never as absolute times). Uses the median of repetitions when there are any.
#ifndef TESTPLANET_TESTS_BENCH_RATIO_REPORTER_H_
#define TESTPLANET_TESTS_BENCH_RATIO_REPORTER_H_

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace testplanet::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // Each pair: (benchmark family, baseline family); runs pair up by their arguments.
  RatioReporter(std::string title, std::vector<std::pair<std::string, std::string>> pairs)
      : title_(std::move(title)), pairs_(std::move(pairs)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end() || run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      const bool single = run.run_type == Run::RT_Iteration && run.repetitions <= 1;
      if (median || single) rates_[Strip(run.run_name.str())] = it->second.value;
    }
  }

  void PrintRatios() const {
    std::printf("\n%s\n", title_.c_str());
    for (const auto& [name, rate] : rates_) {
      const auto slash = name.find('/');
      const std::string family = name.substr(0, slash);
      const std::string args = slash == std::string::npos ? "" : name.substr(slash);
      for (const auto& [measured, baseline] : pairs_) {
        if (family != measured) continue;
        auto base = rates_.find(baseline + args);
        if (base == rates_.end()) continue;
        std::printf("  %-34s %10.3f k items/s   %-30s %10.3f k/s   cost ratio %.2fx\n",
                    name.c_str(), rate / 1e3, (baseline + args).c_str(), base->second / 1e3,
                    base->second / rate);
      }
    }
  }

 private:
  static std::string Strip(std::string name) {
    const auto repeats = name.find("/repeats:");
    return repeats == std::string::npos ? name : name.substr(0, repeats);
  }

  std::string title_;
  std::vector<std::pair<std::string, std::string>> pairs_;
  std::map<std::string, double> rates_;  // ordered: the table prints in a stable order
};

// Runs the registered benchmarks with interleaved repetitions and prints the ratio table.
inline int RunWithRatios(int argc, char** argv, RatioReporter& reporter) {
  std::string interleave = "--benchmark_enable_random_interleaving=true";
  std::vector<char*> args = {argv[0], interleave.data()};
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 2;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}

}  // namespace testplanet::bench

#endif  // TESTPLANET_TESTS_BENCH_RATIO_REPORTER_H_
