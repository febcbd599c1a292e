namespace Frugal.Recsys.Lookahead;

/// <summary>How trainers get their embedding rows (§6.5 of the design).</summary>
public enum RecsysMode
{
    /// <summary>No cache: every iteration fetches all of its rows, all-reduces all their gradients and writes them
    /// all back. The reference for correctness.</summary>
    Sync,
    /// <summary>A least-recently-used cache: misses are fetched on demand (on the critical path), updated rows are
    /// written through every step.</summary>
    Lru,
    /// <summary>Bagpipe: the oracle's lookahead prefetches rows ahead of use, caches them exactly as long as they
    /// are needed and defers the synchronisation of rows the next batch does not read.</summary>
    Bagpipe,
}
