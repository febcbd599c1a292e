using AngleSharp.Html.Parser;
using Frugal.Core.Experiments;
using Frugal.Core.Plotting;
using Frugal.Core.Reporting;
using Frugal.Core.Results;

namespace Frugal.Core.Tests;

public class ReportTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static TheoryData<ChartKind> Kinds => [ChartKind.Line, ChartKind.Scatter, ChartKind.Cdf, ChartKind.Bar];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryChartKindRendersToPngAndSvg(ChartKind kind)
    {
        var chart =
            new Chart("c", kind, "Title", "x", "y",
            [new Series("a", [1, 2, 3], [1, 10, 100]), new Series("b", [1, 2, 3], [2, 20, 200])])
            { Categories = kind == ChartKind.Bar ? ["p", "q", "r"] : null, LogY = true };
        var png = ChartRenderer.RenderPng(chart, 400, 300);
        Assert.Equal(PngSignature, png[..8]);
        var svg = System.Xml.Linq.XDocument.Parse(ChartRenderer.RenderSvg(chart, 400, 300));
        Assert.Equal("svg", svg.Root!.Name.LocalName);
    }

    [Fact]
    public void MismatchedSeriesAreRejected()
    {
        var chart = new Chart("c", ChartKind.Line, "t", "x", "y", [new Series("a", [1, 2], [1])]);
        Assert.Throws<ArgumentException>(() => ChartRenderer.RenderPng(chart));
        var bars = new Chart("b", ChartKind.Bar, "t", "x", "y", [new Series("a", [], [1])]);
        Assert.Throws<ArgumentException>(() => ChartRenderer.RenderPng(bars));
    }

    [Fact]
    public void ReportIsValidHtmlWithEmbeddedImages()
    {
        var result = ResultSerialisationTests.Sample();
        var plots = result.Charts.ToDictionary(c => c, c => ChartRenderer.RenderPng(c, 300, 200));
        var failing =
            new ExperimentOutcome(new NamedExperiment("test.broken", "<script>alert(1)</script>"), null,
            "InvalidOperationException: boom & bust", TimeSpan.FromSeconds(1));
        var outcomes = new[]
        {
            new ExperimentOutcome(new NamedExperiment("test.sample", "A sample"), result, null,
                TimeSpan.FromSeconds(2)),
            failing,
        };

        var html =
            HtmlReport.Render(new ReportHeader("Report <title>", 42, true, DateTimeOffset.UnixEpoch), outcomes, plots);

        // Strict mode throws on any parse error: unclosed tags, bad nesting, stray characters.
        var document = new HtmlParser(new HtmlParserOptions { IsStrictMode = true }).ParseDocument(html);
        Assert.Equal("Report <title>", document.Title);
        var images = document.QuerySelectorAll("img").Select(i => i.GetAttribute("src")!).ToArray();
        Assert.Equal(2, images.Length);
        foreach (var src in images)
        {
            Assert.StartsWith("data:image/png;base64,", src);
            Assert.Equal(PngSignature, Convert.FromBase64String(src["data:image/png;base64,".Length..])[..8]);
        }
        Assert.DoesNotContain("<script>", html);
        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Contains("boom &amp; bust", html);
        Assert.NotNull(document.QuerySelector("section#x-test-sample"));
        Assert.Contains(document.QuerySelectorAll("td"), td => td.TextContent == "failed");
        // External references would break the page offline.
        Assert.Empty(document.QuerySelectorAll("link[href], script[src], img[src^='http']"));
    }

    private sealed class NamedExperiment(string name, string title) : IExperiment
    {
        public string Name => name;
        public string Title => title;
        public string Description => "for tests";
        public ExperimentResult Run(ExperimentContext context) => throw new InvalidOperationException();
    }
}
