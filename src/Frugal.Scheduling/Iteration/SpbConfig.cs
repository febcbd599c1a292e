using Frugal.Core.Errors;

namespace Frugal.Scheduling.Iteration;

/// <summary>
/// Which blocks each worker of a data-parallel job backpropagates through: worker w runs backward on its top
/// d_w blocks (the output side), S_w = {L − d_w + 1..L}. Every block keeps at least c_min contributors.
/// </summary>
public sealed class SpbConfig
{
    private SpbConfig(int[] depths, int blocks)
    {
        Depths = depths;
        Blocks = blocks;
        Coverage = Enumerable.Range(1, blocks).Select(i => depths.Count(d => Covers(d, i))).ToArray();
    }

    /// <summary>d_w per worker: how many blocks, from the output, each one backpropagates through.</summary>
    public IReadOnlyList<int> Depths { get; }

    /// <summary>L: the model's blocks.</summary>
    public int Blocks { get; }

    /// <summary>n_i per block (index 0 is block 1, the input side): the workers computing its gradient.</summary>
    public IReadOnlyList<int> Coverage { get; }

    /// <summary>W: the workers.</summary>
    public int Workers => Depths.Count;

    /// <summary>σ = 1 − Σ_w d_w / (W·L): the fraction of block-backward passes skipped.</summary>
    public double Sigma => 1 - Depths.Sum() / (double)(Workers * Blocks);

    /// <summary>Whether a worker of depth <paramref name="depth"/> backpropagates through block i (1-based).</summary>
    public bool Covers(int depth, int block) => block > Blocks - depth;

    /// <summary>SPB off: every worker backpropagates through every block.</summary>
    public static SpbConfig Full(int workers, int blocks) => Canonical(workers, blocks, 0);

    /// <summary>
    /// The canonical structured family: d_w = L − round(2σ·L·w/(W − 1)) clamped to [1, L] (halves away from
    /// zero),
    /// so worker 0 is full depth and the mean depth is about (1 − σ)·L; the first c_min workers stay full depth.
    /// One worker has nothing to stagger: it runs at full depth whatever σ.
    /// </summary>
    /// <param name="workers">W, at least 1.</param>
    /// <param name="blocks">L, at least 1.</param>
    /// <param name="sigma">The nominal skipped fraction, from 0 to 1.</param>
    /// <param name="minContributors">c_min, from 1 to W.</param>
    /// <exception cref="BadInputException">σ outside [0, 1] or c_min outside [1, W].</exception>
    public static SpbConfig Canonical(int workers, int blocks, double sigma, int minContributors = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        CheckSigma(sigma);
        CheckMinContributors(minContributors, workers);
        var depths = new int[workers];
        for (var w = 0; w < workers; w++)
        {
            var cut = workers == 1 ? 0
                : Math.Round(2 * sigma * blocks * w / (workers - 1), MidpointRounding.AwayFromZero);
            depths[w] = w < minContributors ? blocks : (int)Math.Clamp(blocks - cut, 1, blocks);
        }
        return new SpbConfig(depths, blocks);
    }

    /// <summary>A depth vector given explicitly.</summary>
    /// <exception cref="BadInputException">
    /// A depth outside [1, L], or a block with fewer than c_min contributors (one line naming the block).
    /// </exception>
    public static SpbConfig FromDepths(IReadOnlyList<int> depths, int blocks, int minContributors = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        if (depths.Count == 0) throw new BadInputException("a depth vector needs at least one worker", "SPB depths");
        CheckMinContributors(minContributors, depths.Count);
        var text = $"({string.Join(", ", depths)})";
        foreach (var d in depths)
            if (d < 1 || d > blocks)
                throw new BadInputException($"depth vector {text}: depth {d} is outside 1 to {blocks} blocks",
                    "SPB depths");
        var config = new SpbConfig([.. depths], blocks);
        for (var i = 0; i < blocks; i++)
            if (config.Coverage[i] < minContributors)
                throw new BadInputException(
                    $"depth vector {text} leaves block {i + 1} of {blocks} with {config.Coverage[i]} contributing " +
                    $"workers; every block needs at least {minContributors}", "SPB depths");
        return config;
    }

    /// <summary>Rejects a skipped-backward fraction outside [0, 1].</summary>
    /// <exception cref="BadInputException">σ is not a number from 0 to 1.</exception>
    public static void CheckSigma(double sigma, string setting = "SPB sigma")
    {
        if (!(sigma is >= 0 and <= 1))
            throw new BadInputException(
                $"the skipped-backward fraction σ must be from 0 to 1; got {Invariant.Text(sigma)}", setting);
    }

    private static void CheckMinContributors(int minContributors, int workers)
    {
        if (minContributors < 1 || minContributors > workers)
            throw new BadInputException(
                $"the minimum contributors per block must be from 1 to the {workers} workers; got {minContributors}",
                "minimum contributors");
    }

    /// <summary>The depths, e.g. <c>(4, 3, 2, 1)</c>.</summary>
    public override string ToString() => $"({string.Join(", ", Depths)})";
}
