using System.Net;
using System.Reflection;
using System.Text;
using Frugal.Core.Experiments;
using Frugal.Core.Results;

namespace Frugal.Core.Reporting;

/// <summary>What the report says about the run as a whole.</summary>
internal sealed record ReportHeader(string Title, ulong Seed, bool Quick, DateTimeOffset GeneratedAt);

/// <summary>
/// One self-contained HTML page for a set of experiment outcomes: a summary table, then per
/// experiment its parameters, metrics, plots (PNG embedded as data URIs) and the head of each
/// record table. No scripts, no external files: it reads the same offline, mailed or archived.
/// </summary>
internal static class HtmlReport
{
    /// <summary>Rows of a record table shown in the page; the CSV beside it has them all.</summary>
    public const int MaxRecordRows = 25;

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
        h1{border-bottom:2px solid #444;padding-bottom:.2em}h2{margin-top:2.2em;border-bottom:1px solid #ccc}
        table{border-collapse:collapse;margin:.8em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}td{overflow-wrap:anywhere}th,td.num{white-space:nowrap}
        details{margin:.8em 0}summary{cursor:pointer;font-weight:600}
        th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .ok{color:#17692b;font-weight:600}.failed{color:#a61b1b;font-weight:600}
        .figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:1em}figure{margin:0}figure img{max-width:100%;border:1px solid #ddd}figcaption{font-size:.9em;color:#555}
        .meta{color:#555;font-size:.92em}code{background:#f4f4f4;padding:0 .2em}
        """;

    /// <param name="header">The run as a whole.</param>
    /// <param name="outcomes">Every experiment of the run, failed ones included.</param>
    /// <param name="plots">The PNG image of each chart of the results.</param>
    public static string Render(ReportHeader header, IReadOnlyList<ExperimentOutcome> outcomes,
        IReadOnlyDictionary<Chart, byte[]> plots)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(header.Title)).Append("</title>\n<style>").Append(Style)
                .Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(Encode(header.Title)).Append("</h1>\n");
        html.Append("<p class=\"meta\">Frugal ").Append(Encode(Version)).Append(" · seed <code>").Append(header.Seed)
            .Append("</code> · ").Append(header.Quick ? "quick scale" : "full scale").Append(" · generated ")
            .Append(header.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'",
                System.Globalization.CultureInfo.InvariantCulture))
            .Append(" on ").Append(Encode(Environment.MachineName)).Append(" (").Append(Environment.ProcessorCount)
                .Append(" cores)</p>\n");

        AppendSummary(html, outcomes);
        foreach (var outcome in outcomes) AppendOutcome(html, outcome, plots);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendSummary(StringBuilder html, IReadOnlyList<ExperimentOutcome> outcomes)
    {
        html.Append(
            "<h2>Summary</h2>\n<table>\n<thead><tr><th>experiment</th><th>status</th><th>time</th>" +
            "<th>headline</th></tr></thead>\n<tbody>\n");
        foreach (var o in outcomes)
        {
            html.Append("<tr><td><a href=\"#").Append(Anchor(o.Experiment.Name)).Append("\">")
                .Append(Encode(o.Experiment.Name)).Append("</a></td>");
            html.Append(o.Succeeded ? "<td class=\"ok\">ok</td>" : "<td class=\"failed\">failed</td>");
            html.Append("<td class=\"num\">")
                .Append(o.Duration.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))
                .Append(" s</td><td>");
            html.Append(o.Result is { } r
                ? Encode(string.Join("; ", r.Metrics.Take(3).Select(m => $"{m.Name} = {m.Display()}")))
                : Encode(o.Error ?? ""));
            html.Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendOutcome(StringBuilder html, ExperimentOutcome outcome, IReadOnlyDictionary<Chart,
        byte[]> plots)
    {
        html.Append("<section id=\"").Append(Anchor(outcome.Experiment.Name)).Append("\">\n<h2>")
            .Append(Encode(outcome.Experiment.Title)).Append(" <code>").Append(Encode(outcome.Experiment.Name))
                .Append("</code></h2>\n");
        html.Append("<p>").Append(Encode(outcome.Experiment.Description)).Append("</p>\n");
        if (outcome.Result is not { } result)
        {
            html.Append("<p class=\"failed\">Failed: ").Append(Encode(outcome.Error ?? ""))
                .Append("</p>\n</section>\n");
            return;
        }
        if (result.Summary is { } summary) html.Append("<p>").Append(Encode(summary)).Append("</p>\n");

        // Pictures and the headline table first; the full parameter and metric lists fold away.
        if (result.Charts.Count > 0) html.Append("<div class=\"figures\">\n");
        foreach (var chart in result.Charts)
        {
            if (!plots.TryGetValue(chart, out var png)) continue;
            html.Append("<figure><img alt=\"").Append(Encode(chart.Title)).Append("\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(png)).Append("\"><figcaption>").Append(Encode(chart.Title))
                    .Append("</figcaption></figure>\n");
        }
        if (result.Charts.Count > 0) html.Append("</div>\n");
        foreach (var table in result.Records)
        {
            html.Append("<h3>").Append(Encode(table.Name)).Append("</h3>\n");
            var numeric =
                table.Columns.Select((c, i) => (c, i)).Where(x => x.c.Kind == ColumnKind.Number).Select(x => x.i)
                .ToArray();
            AppendTable(html, table.Columns.Select(ResultMarkdown.Heading).ToArray(),
                table.Rows.Take(MaxRecordRows).Select(r => r.Select(ResultMarkdown.CellText).ToArray()), numeric);
            if (table.Rows.Count > MaxRecordRows)
                html.Append("<p class=\"meta\">").Append(table.Rows.Count - MaxRecordRows)
                    .Append(" more rows in <code>results/")
                    .Append(Encode($"{result.Name}.{table.Name}.csv")).Append("</code>.</p>\n");
        }
        if (result.Metrics.Count > 0)
        {
            html.Append("<details><summary>Metrics (").Append(result.Metrics.Count).Append(")</summary>\n");
            AppendTable(html, ["metric", "value"], result.Metrics.Select(m => new[] { m.Name, m.Display() }),
                numericColumns: [1]);
            html.Append("</details>\n");
        }
        if (result.Parameters.Count > 0)
        {
            html.Append("<details><summary>Parameters (").Append(result.Parameters.Count).Append(")</summary>\n");
            AppendTable(html, ["parameter", "value"], result.Parameters.Select(p => new[] { p.Key, p.Value }),
                numericColumns: []);
            html.Append("</details>\n");
        }
        html.Append("</section>\n");
    }

    private static void AppendTable(StringBuilder html, IReadOnlyList<string> header, IEnumerable<string[]> rows,
        int[] numericColumns)
    {
        html.Append("<table>\n<thead><tr>");
        foreach (var h in header) html.Append("<th>").Append(Encode(h)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
                html.Append(numericColumns.Contains(i) ? "<td class=\"num\">" : "<td>").Append(Encode(row[i]))
                    .Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Anchor(string name) =>
        "x-" + string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));

    private static string Version =>
        typeof(HtmlReport)
            .Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? "dev";
}
