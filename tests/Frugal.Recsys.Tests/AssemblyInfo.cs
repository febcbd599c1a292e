// libtorch's settings (thread count, deterministic switch) are process-wide: tests that train run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
