// libtorch's thread count and default generator are process-wide: tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
