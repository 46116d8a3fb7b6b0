// The Swift concurrency runtime's hook for its global executor (swift/Runtime/ConcurrencyHooks.def
// in the Swift repository), declared as a plain pointer. Declared here so the linker resolves it:
// dlsym cannot in a --static-swift-stdlib binary, which exports no symbols. No library: the
// symbol is in the Swift runtime every Swift program links.
extern void *swift_task_enqueueGlobal_hook;

// Accessors: Swift 6 refuses direct use of a mutable C global. Called once, before any task runs.
static inline void *clickbridge_enqueue_global_hook(void) { return swift_task_enqueueGlobal_hook; }
static inline void clickbridge_set_enqueue_global_hook(void *hook) { swift_task_enqueueGlobal_hook = hook; }
