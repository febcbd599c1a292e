using Frugal.Core.Errors;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;

namespace Frugal.Scheduling.Tests.Policies;

public class PolicyCatalogTests
{
    private static readonly PolicySetup Setup =
        new(new SimulationOptions(), SyntheticThroughputs.Create(), ShockwaveOptions.Tacc32);

    [Fact]
    public void ListsShockwaveThenTheReferenceNamesInOrder()
    {
        Assert.Equal(
            ["shockwave", "fifo", "srtf", "gandiva_fair", "max_min_fairness", "finish_time_fairness",
             "max_sum_throughput", "min_total_duration", "allox"],
            PolicyCatalog.Policies.Names);
    }

    [Fact]
    public void CreatesEachSchedulerAndAllocationPolicyUnderItsOwnName()
    {
        foreach (var (name, _, policy) in PolicyCatalog.Policies.Entries)
        {
            Assert.Equal(name, policy.CreateScheduler(Setup).Name);
            if (policy.Allocation is { } allocation) Assert.Equal(name, allocation().Name);
        }
        // Only Shockwave plans rounds itself; every other policy allocates fractions for Gavel's packer.
        Assert.Equal([PolicyCatalog.Shockwave],
            PolicyCatalog.Policies.Entries.Where(e => e.Entry.Allocation is null).Select(e => e.Name));
        Assert.IsType<ShockwaveScheduler>(PolicyCatalog.Policies.Get("shockwave").CreateScheduler(Setup));
        Assert.IsType<GavelPacker>(PolicyCatalog.Policies.Get("fifo").CreateScheduler(Setup));
    }

    [Theory]
    [InlineData("gavel", "max_min_fairness")]
    [InlineData("themis", "finish_time_fairness")]
    [InlineData("mst", "max_sum_throughput")]
    [InlineData("max_sum_throughput_perf", "max_sum_throughput")]
    [InlineData("ossp", "min_total_duration")]
    [InlineData("GAVEL", "max_min_fairness")]
    [InlineData("Fifo", "fifo")]
    [InlineData("AlloX", "allox")]
    [InlineData("ShockWave", "shockwave")]
    public void AcceptsAliasesInAnyCase(string alias, string name) =>
        Assert.Equal(name, PolicyCatalog.Policies.Get(alias).CreateScheduler(Setup).Name);

    [Fact]
    public void ReturnsANewSchedulerEachCall()
    {
        var allox = PolicyCatalog.Policies.Get("allox");
        Assert.NotSame(allox.CreateScheduler(Setup), allox.CreateScheduler(Setup));
        Assert.NotSame(allox.Allocation!(), allox.Allocation!());
        var shockwave = PolicyCatalog.Policies.Get("shockwave");
        Assert.NotSame(shockwave.CreateScheduler(Setup), shockwave.CreateScheduler(Setup));
    }

    [Fact]
    public void UnknownNamesListWhatIsKnown()
    {
        var error = Assert.Throws<UnknownNameException>(() => PolicyCatalog.Policies.Get("nosuch"));
        Assert.Equal(
            "unknown policy 'nosuch'; known: shockwave, fifo, srtf, gandiva_fair, max_min_fairness, "
            + "finish_time_fairness, max_sum_throughput, min_total_duration, allox, "
            + "gavel, themis, mst, max_sum_throughput_perf, ossp",
            error.Message);
        Assert.Equal(["nosuch"], error.Names);
    }

    [Fact]
    public void AListOfNoPoliciesOrOfOneTwiceIsBadInput()
    {
        string Error(params string[] names) =>
            Assert.Throws<BadInputException>(() => PolicyCatalog.Policies.GetAll(names)).Message;
        Assert.StartsWith("no policy named; known: shockwave, fifo", Error());
        Assert.Equal("policy 'fifo' is named twice", Error("fifo", "FIFO"));
        // An alias and its policy are the same policy.
        Assert.Equal("policy 'max_min_fairness' is named twice", Error("gavel", "max_min_fairness"));
    }
}
