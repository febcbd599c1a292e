using Frugal.Tuning.Targets.Postgres;

namespace Frugal.Tuning.Tests.Postgres;

public sealed class PostgresValuesTests
{
    [Fact]
    public void ValuesAreWrittenAsPostgreSqlReadsThem()
    {
        Assert.Equal("16384", PostgresValues.Format("shared_buffers", 16384L));
        Assert.Equal("-1", PostgresValues.Format("wal_buffers", -1L));
        Assert.Equal("0.005", PostgresValues.Format("cpu_index_tuple_cost", 0.005));
        Assert.Equal("1E-05", PostgresValues.Format("cpu_tuple_cost", 1e-5));
        Assert.Equal("on", PostgresValues.Format("jit", true));
        Assert.Equal("off", PostgresValues.Format("jit", false));
        Assert.Equal("remote_write", PostgresValues.Format("synchronous_commit", "remote_write"));
    }

    [Fact]
    public void AValueOfAnotherTypeNamesTheKnob()
    {
        Assert.Contains("work_mem",
            Assert.Throws<ArgumentException>(() => PostgresValues.Format("work_mem", 1.5m)).Message);
        Assert.Contains("seq_page_cost",
            Assert.Throws<ArgumentException>(() => PostgresValues.Format("seq_page_cost", double.NaN)).Message);
    }
}
