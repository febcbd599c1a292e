using Frugal.Core.IO;
using Frugal.Scheduling.GpuPlacement;

namespace Frugal.Scheduling.Tests.GpuPlacement;

/// <summary>
/// The CPython generator replica against numbers CPython itself gives (python3: random.seed(s), then the calls named),
/// and the reference's cluster, which its random.seed(42) draws.
/// </summary>
public sealed class PythonRandomTests
{
    [Fact]
    public void Seed_42_gives_cpythons_first_words_and_seed_1_its_first_doubles()
    {
        var random = new PythonRandom(42);
        Assert.Equal([2746317213u, 478163327u, 107420369u], [random.NextUInt32(), random.NextUInt32(),
            random.NextUInt32()]);
        var one = new PythonRandom(1);
        Assert.Equal(0.13436424411240122, one.NextDouble());
        Assert.Equal(0.8474337369372327, one.NextDouble());
    }

    [Fact]
    public void Below_rejects_draws_past_n_as_randbelow_does()
    {
        // random.seed(42); [random.randrange(1404) for _ in range(5)], then [random.randrange(5) ...]; a seed of
        // two words: random.seed(1 << 40); random.getrandbits(32).
        var random = new PythonRandom(42);
        Assert.Equal([1309, 228, 51, 563, 501], Enumerable.Range(0, 5).Select(_ => random.Below(1404)));
        Assert.Equal([1, 1, 0, 4, 0], Enumerable.Range(0, 5).Select(_ => random.Below(5)));
        var big = new PythonRandom(1UL << 40);
        Assert.Equal(445128065u, big.NextUInt32());
    }

    [SkippableFact]
    public void Seed_42_draws_the_reference_cluster()
    {
        var root = ReferenceData.Locate("pal");
        Skip.If(root is null, "data/pal is not in this checkout");
        var table = MeasuredProfiles.Sample(Path.Combine(root, "profiles.json"), 16, 4, 42);
        // The same draws in CPython (random.seed(42); random.choice of each class's perf / median perf, GPU by GPU,
        // classes A to D): GPU 35 gets the ResNet-50 run at 2.83× the median.
        Assert.Equal(0.9534, table.PerfVar("A")[0], 4);
        Assert.Equal(2.8279, table.PerfVar("A")[35], 4);
        Assert.Equal(0.9497, table.PerfVar("A")[62], 4);
        Assert.Equal(1.0463, table.PerfVar("B")[27], 4);
        Assert.Equal(0.9684, table.PerfVar("C")[63], 4);
        Assert.Equal(0.9730, table.PerfVar("D")[5], 4);
    }
}
