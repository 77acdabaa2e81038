#include "peers/work.h"

namespace testplanet {

Work& ProcessWork() {
  static Work work;
  return work;
}

}  // namespace testplanet
