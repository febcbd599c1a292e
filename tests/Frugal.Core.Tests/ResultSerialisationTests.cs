using Frugal.Core.Results;

namespace Frugal.Core.Tests;

public class ResultSerialisationTests
{
    internal static ExperimentResult Sample()
    {
        var result = new ExperimentResult("test.sample", "A sample result")
        {
            Summary = "Shows \"quotes\", commas, and | pipes.",
        }
            .WithParameter("seed", 42UL)
            .WithParameter("rate", 0.1)
            .WithParameter("policy", "max_min_fairness")
            .WithParameter("quick", true)
            .WithMetric("makespan", 12345.678, "s", 12000, 12700.5)
            .WithMetric("worst_rho", 1.0 / 3)
            .WithMetric("nan_metric", double.NaN);
        result.Records.Add(
            new RecordTable("jobs",
            [new Column("job", ColumnKind.Text), new Column("jct", Unit: "s"), new Column("note", ColumnKind.Text)])
            .Add("job,1", 3.25, "line one\nline two")
            .Add("job \"2\"", null, null)
            .Add("3", 1e-300, "plain"));
        result.Charts.Add(new Chart("jct-cdf", ChartKind.Cdf, "JCT", "s", "fraction",
            [new Series("fifo", [], [1, 2, 3])])
        {
            LogX = true,
        });
        result.Charts.Add(new Chart("bars", ChartKind.Bar, "Bars", "", "x", [new Series("a", [], [1, 2])])
        {
            Categories = ["u", "v"],
        });
        return result;
    }

    [Fact]
    public void JsonRoundTripKeepsEverything()
    {
        var original = Sample();
        var json = ResultJson.Serialize(original);
        var copy = ResultJson.Deserialize(json);

        Assert.Equal(original.Name, copy.Name);
        Assert.Equal(original.Title, copy.Title);
        Assert.Equal(original.Summary, copy.Summary);
        Assert.Equal(original.Parameters.ToArray(), copy.Parameters.ToArray());
        Assert.Equal(["seed", "rate", "policy", "quick"], copy.Parameters.Keys);
        Assert.Equal("42", copy.Parameters["seed"]);
        Assert.Equal(original.Metrics, copy.Metrics);
        Assert.Equal(original.Records[0].Columns, copy.Records[0].Columns);
        Assert.Equal(original.Records[0].Rows, copy.Records[0].Rows);
        Assert.Equal(original.Charts[0].Series[0].Y, copy.Charts[0].Series[0].Y);
        Assert.True(copy.Charts[0].LogX);
        Assert.Equal(["u", "v"], copy.Charts[1].Categories!);
        Assert.Equal(json, ResultJson.Serialize(copy));
    }

    [Fact]
    public void CorruptJsonNamesTheSourceAndLine()
    {
        var json = ResultJson.Serialize(Sample()).Replace("\"makespan\"", "\"makespan\" oops");
        var error = Assert.Throws<FormatException>(() => ResultJson.Deserialize(json, "results/x.json"));
        Assert.StartsWith("results/x.json:", error.Message);
        Assert.Throws<FormatException>(() => ResultJson.Deserialize("null", "n.json"));
    }

    [Fact]
    public void RecordCellsMustFitTheirColumn()
    {
        var table = new RecordTable("t", [new Column("x")]);
        Assert.Throws<ArgumentException>(() => table.Add("not a number"));
        Assert.Throws<ArgumentException>(() => table.Add(1, 2));
        Assert.Equal(5.0, table.Add(5).Rows[0][0]);
        Assert.Throws<ArgumentException>(() => new RecordTable("t", [new Column("x"), new Column("x")]));
    }

    [Fact]
    public void MetricsCsvRoundTripsExactly()
    {
        var original = Sample();
        var writer = new StringWriter();
        ResultCsv.WriteMetrics(original, writer);
        var metrics = ResultCsv.ReadMetrics(new StringReader(writer.ToString()));
        Assert.Equal(original.Metrics, metrics);
    }

    [Fact]
    public void RecordTableCsvRoundTripsWithQuotesCommasAndLineBreaks()
    {
        var original = Sample().Records[0];
        var writer = new StringWriter();
        ResultCsv.WriteTable(original, writer);
        var copy = ResultCsv.ReadTable("jobs", new StringReader(writer.ToString()));
        Assert.Equal(original.Columns.Select(c => (c.Name, c.Kind)), copy.Columns.Select(c => (c.Name, c.Kind)));
        Assert.Equal(original.Rows, copy.Rows);
    }

    [Fact]
    public void MalformedCsvIsReportedWithItsLine()
    {
        Assert.Contains("t.csv:2",
            Assert.Throws<FormatException>(() => Csv.ReadRows(new StringReader("a,b\n\"open,x\n"), "t.csv")).Message);
        Assert.Contains("row 3",
            Assert.Throws<FormatException>(() => ResultCsv.ReadTable("t", new StringReader("a,b\n1,2\n3\n"), "t.csv"))
            .Message);
        Assert.Contains("t.csv:1",
            Assert.Throws<FormatException>(() => ResultCsv.ReadMetrics(new StringReader("name,value\n"), "t.csv"))
            .Message);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(42.0, "42")]
    [InlineData(3.14159, "3.142")]
    [InlineData(-0.000012345, "-1.235E-5")]
    [InlineData(123456.7, "123457")]
    [InlineData(2e20, "2E+20")]
    [InlineData(double.NaN, "NaN")]
    public void NumbersAreFormattedForPeople(double value, string expected) =>
        Assert.Equal(expected, Format.Number(value));

    [Fact]
    public void MarkdownRendersTablesAndEscapesPipes()
    {
        var markdown = ResultMarkdown.Render(Sample());
        Assert.Contains("## A sample result (`test.sample`)", markdown);
        Assert.Contains("| metric | value |", markdown);
        Assert.Contains("| makespan | 12346 s [12000, 12701] |", markdown);
        Assert.Contains("| worst_rho | 0.3333 |", markdown);
        Assert.Contains("| job | jct (s) | note |", markdown);
        Assert.Contains("\\|", ResultMarkdown.Table(["a"], [["x|y"]]));
    }
}
