// libtorch's thread count, deterministic mode and default generator are process-wide, so tests that
// seed and train must not run beside each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
