using Xunit;

// libtorch's global state (seed, grad mode, thread count) and the live-handle leak guard need
// tests to run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
