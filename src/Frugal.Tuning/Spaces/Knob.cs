namespace Frugal.Tuning.Spaces;

/// <summary>The kinds of knob a space file may declare (its <c>type</c> field).</summary>
public enum KnobType
{
    /// <summary>A whole number in [<see cref="Knob.Min"/>, <see cref="Knob.Max"/>].</summary>
    Integer,
    /// <summary>A real number in [<see cref="Knob.Min"/>, <see cref="Knob.Max"/>].</summary>
    Real,
    /// <summary>One of the strings in <see cref="Knob.Values"/>.</summary>
    Categorical,
    /// <summary>On or off.</summary>
    Boolean,
}

/// <summary>
/// An extra value of a numeric knob that means something special (PostgreSQL's −1 "use another setting", 0 "off"), with
/// the probability mass special-value biasing gives it. <paramref name="Probability"/> is null when the space file
/// leaves
/// it to the method's bias setting (<c>--bias</c>, 0.2 by default).
/// </summary>
public sealed record SpecialValue(double Value, double? Probability);

/// <summary>
/// One tunable setting: its type, range or values, default and special values. Integer and real knobs use
/// <see cref="Min"/>, <see cref="Max"/> and <see cref="LogScale"/>; categorical knobs <see cref="Values"/>.
/// <see cref="Default"/> is a <see cref="long"/>, <see cref="double"/>, <see cref="string"/> or <see cref="bool"/>
/// like every value of a configuration.
/// </summary>
public sealed record Knob(string Name, KnobType Type, object Default)
{
    /// <summary>The lowest value of a numeric knob.</summary>
    public double Min { get; init; }
    /// <summary>The highest value of a numeric knob.</summary>
    public double Max { get; init; }
    /// <summary>Whether optimisers search a numeric knob's range on a log scale (for ranges over orders of
    /// magnitude).</summary>
    public bool LogScale { get; init; }
    /// <summary>The choices of a categorical knob.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];
    /// <summary>Values of a numeric knob that mean something special, which special-value biasing favours.</summary>
    public IReadOnlyList<SpecialValue> Special { get; init; } = [];
    /// <summary>The unit the target reads the value in (<c>kB</c>, <c>ms</c>); informational.</summary>
    public string? Unit { get; init; }
    /// <summary>Whether a new value takes effect only after the target restarts (PostgreSQL's postmaster).</summary>
    public bool Restart { get; init; }
    /// <summary>What the knob does, for listings.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// How <see cref="Max"/> follows the host (null: fixed): the file's max was replaced by this limit on the machine
    /// that read the space, never below the knob's min or default.
    /// </summary>
    public HostMax? HostMax { get; init; }

    /// <summary>Whether the knob is an integer or real one, with a range.</summary>
    public bool IsNumeric => Type is KnobType.Integer or KnobType.Real;

    /// <summary>How many values a categorical or boolean knob offers (0 for numeric knobs).</summary>
    public int Choices => Type switch
    {
        KnobType.Categorical => Values.Count,
        KnobType.Boolean => 2,
        _ => 0,
    };

    /// <summary>How many distinct values an integer knob's range holds (special values excluded).</summary>
    public double IntegerCount => Max - Min + 1;

    /// <summary>An integer knob over [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Knob Integer(string name, long min, long max, long @default, bool log = false,
        params SpecialValue[] special) =>
        new(name, KnobType.Integer, @default) { Min = min, Max = max, LogScale = log, Special = special };

    /// <summary>A real knob over [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Knob Real(string name, double min, double max, double @default, bool log = false,
        params SpecialValue[] special) =>
        new(name, KnobType.Real, @default) { Min = min, Max = max, LogScale = log, Special = special };

    /// <summary>A categorical knob choosing among <paramref name="values"/>.</summary>
    public static Knob Categorical(string name, string @default, params string[] values) =>
        new(name, KnobType.Categorical, @default) { Values = values };

    /// <summary>An on/off knob.</summary>
    public static Knob Boolean(string name, bool @default) => new(name, KnobType.Boolean, @default);

    /// <summary>
    /// The value at position <paramref name="u"/> ∈ [0, 1] of the range: linear, or on the log scale.
    /// </summary>
    internal double ValueAt(double u)
    {
        u = Math.Clamp(u, 0, 1);
        var value = LogScale ? Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min))) : Min + u * (Max - Min);
        return Math.Clamp(value, Min, Max);
    }

    /// <summary>
    /// The position in [0, 1] of <paramref name="value"/> in the range (the inverse of <see cref="ValueAt"/>).
    /// </summary>
    internal double PositionOf(double value)
    {
        if (Max == Min) return 0;
        value = Math.Clamp(value, Min, Max);
        return LogScale ? (Math.Log(value) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min))
            : (value - Min) / (Max - Min);
    }

    /// <summary>
    /// Whether a numeric knob can take <paramref name="value"/>: one of its special values, or a value of its range as
    /// decoding rounds it (a linear real rounded to 2 decimals may lie just outside a range whose ends have more).
    /// </summary>
    internal bool CanTake(double value) =>
        Special.Any(s => s.Value == value)
        || (value >= Math.Min(Min, RoundedReal(Min)) && value <= Math.Max(Max, RoundedReal(Max)));

    private double RoundedReal(double value) => Type == KnobType.Real && !LogScale ? Math.Round(value, 2) : value;

    /// <summary>
    /// Rounds a numeric value to what the knob takes: integers to the nearest whole number, linear reals to 2 decimals.
    /// </summary>
    public object Round(double value) => Type == KnobType.Integer
        ? (object)(long)Math.Round(value)
        : LogScale ? value : Math.Round(value, 2);
}
