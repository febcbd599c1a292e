namespace Frugal.Core.Results;

/// <summary>A named measurement of a run, optionally with a unit and a confidence interval.</summary>
public sealed record Metric(string Name, double Value, string? Unit = null, double? Lower = null, double? Upper = null)
{
    /// <summary>The value as a person reads it: four significant digits, the unit, and the interval if any.</summary>
    public string Display()
    {
        var text = Format.Number(Value) + (Unit is null ? "" : " " + Unit);
        return Lower is { } lo && Upper is { } hi ? $"{text} [{Format.Number(lo)}, {Format.Number(hi)}]" : text;
    }
}
