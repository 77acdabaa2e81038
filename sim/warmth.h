// Warmth: cache hints for the scheduler, for planets of thousands of peers.
//
// In such a planet a peer's objects are cold every time one of its events fires. An event names
// the memory its callback reads first (EventWarmth); the scheduler starts loading it while the
// event before runs, so that the misses overlap instead of stalling one after another. Hints
// only: never dereferenced, so a pointer freed in the meantime does no harm, and they change
// nothing that runs — the same seed gives the same digest with or without them.
#ifndef TESTPLANET_SIM_WARMTH_H_
#define TESTPLANET_SIM_WARMTH_H_

namespace testplanet {

// Memory an event's callback reads first — its own objects, beyond the slot that holds it. On a
// large queue the scheduler starts loading every one named one event before this one fires.
struct EventWarmth {
  const void* first = nullptr;
  const void* second = nullptr;
  // What the code the callback resumes reads next: a sleeping coroutine's own objects, named by
  // its caller (WakeHint), beyond the waking primitive's state in first and second.
  const void* third = nullptr;
  const void* fourth = nullptr;
};

// What a coroutine or chore reads first when it wakes — its own objects, beyond the state of the
// primitive that wakes it (Sleep, a Cycle's tick), which that primitive always warms. A cleanup
// run waking from its jitter sleep stalled on its service, then on its database, one after the
// other: only its caller knows those, so it names them here.
struct WakeHint {
  const void* first = nullptr;
  const void* second = nullptr;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_WARMTH_H_
