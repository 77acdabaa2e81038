// The registry of kinds: one per schema field, each documented and drawn by the swarm.
#include "scenarios/language/registry.h"

#include <gtest/gtest.h>

#include "scenarios/language/swarm.h"
#include "tests/status_matchers.h"

namespace testplanet::scenario {
namespace {

TEST(Registry, EveryFieldOfTheSchemaHasExactlyOneKind) {
  const Status valid = Actions().Validate();
  EXPECT_THAT(valid, IsOk());
  EXPECT_EQ(Actions().steps().size(),
            static_cast<std::size_t>(Step::descriptor()->FindOneofByName("action")->field_count()));
  EXPECT_EQ(Actions().checks().size(),
            static_cast<std::size_t>(Check::descriptor()->FindOneofByName("what")->field_count()));
}

TEST(Registry, KindsComeInTheSchemasFieldOrder) {
  int last = 0;
  for (const StepKind* kind : Actions().steps()) {
    const int number =
        Step::descriptor()->FindFieldByName(std::string(kind->info().field))->number();
    EXPECT_GT(number, last) << kind->info().field;
    last = number;
  }
}

TEST(Registry, EveryKindIsDocumentedAndTheSwarmDrawsEveryOne) {
  for (const StepKind* kind : Actions().steps()) {
    const StepKindInfo& info = kind->info();
    EXPECT_FALSE(info.doc.empty()) << info.field;
    EXPECT_FALSE(info.group.empty()) << info.field;
    if (info.drawn_with.empty()) {
      EXPECT_TRUE(SwarmDraws(*kind)) << info.field << " is never drawn by the swarm";
    } else {
      const StepKind* with = Actions().FindStep(info.drawn_with);
      ASSERT_NE(with, nullptr) << info.field << " is drawn with an unknown kind";
      EXPECT_TRUE(SwarmDraws(*with)) << info.drawn_with;
    }
  }
  for (const CheckKind* kind : Actions().checks()) EXPECT_FALSE(kind->info().doc.empty());
}

}  // namespace
}  // namespace testplanet::scenario
