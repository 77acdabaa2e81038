#include "scenarios/report/floor.h"

namespace testplanet::report {

double FloorSeconds(const scenario::RunResult& result, const UnitCosts& costs) {
  const Work& w = result.work;
  const double ns = static_cast<double>(result.events) * costs.event_ns +
                    static_cast<double>(w.signatures) * costs.sign_ns +
                    static_cast<double>(w.verifications) * costs.verify_ns +
                    static_cast<double>(w.db_reads) * costs.db_read_ns +
                    static_cast<double>(w.db_writes) * costs.db_write_ns +
                    static_cast<double>(w.db_scans) * costs.db_scan_ns +
                    static_cast<double>(w.blob_writes) * costs.blob_write_ns +
                    static_cast<double>(w.blob_reads) * costs.blob_read_ns;
  return ns / 1e9;
}

}  // namespace testplanet::report
