#include "scenarios/language/action.h"

namespace testplanet::scenario {

void StepKind::Draw(SwarmDraw&) const {}
void StepKind::FitToNodes(Step&, int) const {}

}  // namespace testplanet::scenario
