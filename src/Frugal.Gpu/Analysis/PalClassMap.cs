using Frugal.Core.Errors;

namespace Frugal.Gpu.Analysis;

/// <summary>Which app each PAL class stands for, e.g. <c>A=resnet,B=bert,C=bert,D=pagerank</c>.</summary>
public static class PalClassMap
{
    /// <summary>
    /// Parses the map; without one, a single app becomes class A. Every app named must be among
    /// <paramref name="apps"/>.
    /// </summary>
    /// <exception cref="BadInputException">Malformed, a class twice, or an app without runs (setting "classes").
    /// </exception>
    public static IReadOnlyList<(string Class, string App)> Parse(string? text, IReadOnlyList<string> apps)
    {
        if (text is null)
            return apps.Count == 1
                ? [("A", apps[0])]
                : throw new BadInputException(
                    $"the runs hold several apps ({string.Join(", ", apps)}): say which class each is", "classes");
        var map = new List<(string, string)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || pair[0].Length == 0 || !pair[0].All(char.IsAsciiLetterOrDigit))
                throw new BadInputException($"'{part}' is not CLASS=APP (e.g. A=resnet)", "classes");
            if (map.Any(m => m.Item1 == pair[0]))
                throw new BadInputException($"class {pair[0]} is named twice", "classes");
            if (!apps.Contains(pair[1]))
                throw new BadInputException(
                    $"app '{pair[1]}' has no runs here (apps: {string.Join(", ", apps)})", "classes");
            map.Add((pair[0], pair[1]));
        }
        return map;
    }
}
