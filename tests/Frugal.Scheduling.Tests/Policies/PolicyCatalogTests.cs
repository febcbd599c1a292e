using Frugal.Scheduling.Policies;

namespace Frugal.Scheduling.Tests.Policies;

public class PolicyCatalogTests
{
    [Fact]
    public void ListsTheReferenceNamesInOrder()
    {
        Assert.Equal(
            ["fifo", "srtf", "gandiva_fair", "max_min_fairness", "finish_time_fairness", "max_sum_throughput", "min_total_duration", "allox"],
            PolicyCatalog.Names);
    }

    [Fact]
    public void CreatesEachPolicyUnderItsOwnName()
    {
        foreach (var name in PolicyCatalog.Names)
            Assert.Equal(name, PolicyCatalog.Create(name).Name);
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
    public void AcceptsAliasesInAnyCase(string alias, string name) => Assert.Equal(name, PolicyCatalog.Create(alias).Name);

    [Fact]
    public void ReturnsANewInstanceEachCall() => Assert.NotSame(PolicyCatalog.Create("allox"), PolicyCatalog.Create("allox"));

    [Fact]
    public void UnknownNamesListWhatIsKnown()
    {
        var error = Assert.Throws<UnknownPolicyException>(() => PolicyCatalog.Create("shockwave"));
        Assert.IsAssignableFrom<Frugal.Core.Errors.BadInputException>(error);
        Assert.Equal(
            "unknown policy 'shockwave'; known: fifo, srtf, gandiva_fair, max_min_fairness, finish_time_fairness, "
            + "max_sum_throughput, min_total_duration, allox, gavel, themis, mst, max_sum_throughput_perf, ossp",
            error.Message);
        Assert.Equal("shockwave", error.PolicyName);
    }
}
