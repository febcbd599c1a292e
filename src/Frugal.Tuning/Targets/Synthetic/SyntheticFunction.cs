using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Targets.Synthetic;

/// <summary>
/// A test surface with LlamaTune's premises built in: D knobs of mixed types (integer, log-scale integer, real,
/// categorical, boolean; some integers with a special value 0 below their range) of which only four matter — a real, a
/// log-scale integer, a categorical and an integer whose special value earns a bonus no value in its range can match.
/// The score (maximised) is 1000·(1 − 0.7·Σ wⱼcⱼ), each cⱼ a clipped quadratic distance to the knob's hidden target
/// (−0.5 at the bonus special value), so the optimum is known exactly. A log-scale integer knob in its top 3% crashes
/// the
/// trial. Everything is drawn from a seed fixed per function, so a function name always means the same surface.
/// </summary>
internal sealed class SyntheticFunction
{
    private const double Scale = 1000;
    private const double Spread = 0.7;
    private const double SpecialBonus = -0.5;
    private const double CrashPosition = 0.97;

    private readonly Knob _real, _logInteger, _categorical, _special;
    private readonly double _realTarget, _logTarget, _specialTarget;
    private readonly string _bestChoice, _secondChoice;

    private SyntheticFunction(string name, int knobs, double noise)
    {
        Name = name;
        Noise = noise;
        var random = new SeedTree(0x5EED_0000UL + (ulong)knobs).Stream("function");
        var list = new List<Knob>(knobs);
        for (var i = 0; i < knobs; i++) list.Add(NewKnob(i, random));
        Knob Pick(KnobType type, bool log, bool special)
        {
            var candidates =
                list.Where(k => k.Type == type && k.LogScale == log && k.Special.Count > 0 == special).ToArray();
            return candidates[random.Next(candidates.Length)];
        }
        _real = Pick(KnobType.Real, false, false);
        _logInteger = Pick(KnobType.Integer, true, false);
        _categorical = Pick(KnobType.Categorical, false, false);
        _special = Pick(KnobType.Integer, false, true);
        // Targets sit on values the knobs can take, so the optimum is reachable exactly.
        _realTarget = _real.PositionOf(Math.Round(_real.ValueAt(0.15 + 0.7 * random.NextDouble()), 2));
        _logTarget = _logInteger.PositionOf(Math.Round(_logInteger.ValueAt(0.15 + 0.7 * random.NextDouble())));
        _specialTarget = _special.PositionOf(Math.Round(_special.ValueAt(0.15 + 0.7 * random.NextDouble())));
        var order = _categorical.Values.OrderBy(_ => random.NextDouble()).ToArray();
        (_bestChoice, _secondChoice) = (order[0], order[1]);
        Space = new SearchSpace($"synthetic-{name}", list,
            $"synthetic test surface '{name}': {knobs} knobs, 4 effective");
        Optimum = Score(OptimalConfiguration());
    }

    /// <summary>
    /// The function names <c>--workload</c> takes: <c>sparse-D</c> (no noise) and <c>noisy-D</c> (5% multiplicative
    /// Gaussian noise), D from 8 to 1000.
    /// </summary>
    public const string Names = "sparse-D, noisy-D (D knobs, 8 to 1000)";

    public const string DefaultName = "sparse-50";

    public string Name { get; }

    /// <summary>The relative standard deviation of observation noise.</summary>
    public double Noise { get; }

    public SearchSpace Space { get; }

    /// <summary>The best score any configuration reaches.</summary>
    public double Optimum { get; }

    /// <summary>The knobs that change the score.</summary>
    public IReadOnlyList<string> EffectiveKnobs => [_real.Name, _logInteger.Name, _categorical.Name, _special.Name];

    /// <exception cref="BadInputException">Not a known function name (a workload setting).</exception>
    public static SyntheticFunction Parse(string name)
    {
        var parts = name.Split('-');
        if (parts.Length == 2 && parts[0] is "sparse" or "noisy"
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var knobs) && knobs is >= 8
            and <= 1000)
            return new SyntheticFunction(name, knobs, parts[0] == "noisy" ? 0.05 : 0);
        throw new BadInputException(
            $"unknown synthetic function '{name}' (known: {Names})", TargetOptions.WorkloadSetting);
    }

    /// <summary>
    /// A configuration reaching <see cref="Optimum"/>: every effective knob on its target, the special knob at its
    /// special value.
    /// </summary>
    public IReadOnlyDictionary<string, object> OptimalConfiguration()
    {
        var configuration = new Dictionary<string, object>(Space.DefaultConfiguration())
        {
            [_real.Name] = _real.Round(_real.ValueAt(_realTarget)),
            [_logInteger.Name] = _logInteger.Round(_logInteger.ValueAt(_logTarget)),
            [_categorical.Name] = _bestChoice,
            [_special.Name] = (long)_special.Special[0].Value,
        };
        return configuration;
    }

    /// <summary>Whether the configuration crashes the "system".</summary>
    public bool Crashes(IReadOnlyDictionary<string, object> configuration) =>
        Position(_logInteger, configuration) > CrashPosition;

    /// <summary>The noiseless score of a configuration.</summary>
    public double Score(IReadOnlyDictionary<string, object> configuration)
    {
        var penalty = 0.35 * Distance(Position(_real, configuration), _realTarget)
            + 0.25 * Distance(Position(_logInteger, configuration), _logTarget)
            + 0.15 * ((string)configuration[_categorical.Name] == _bestChoice ? 0
                : (string)configuration[_categorical.Name] == _secondChoice ? 0.5 : 1)
            + 0.25 * (Convert.ToDouble(configuration[_special.Name], CultureInfo.InvariantCulture)
                == _special.Special[0].Value
                ? SpecialBonus
                : Distance(Position(_special, configuration), _specialTarget));
        return Scale * (1 - Spread * penalty);
    }

    private static double Distance(double position, double target) =>
        Math.Min(1, 4 * (position - target) * (position - target));

    private static double Position(Knob knob, IReadOnlyDictionary<string, object> configuration) =>
        knob.PositionOf(Convert.ToDouble(configuration[knob.Name], CultureInfo.InvariantCulture));

    private static Knob NewKnob(int i, RandomStream random)
    {
        var name = $"k{i:000}";
        var knob = (i % 5) switch
        {
            0 => Knob.Integer(name, 1, 100_000, 0),
            1 => Knob.Real(name, 0, 100, 0),
            2 => Knob.Categorical(name, "", "a", "b", "c", "d"),
            3 => Knob.Boolean(name, random.Next(2) == 1),
            _ => Knob.Integer(name, 1, 1_000_000, 0, log: true),
        };
        return knob.Type switch
        {
            KnobType.Integer when !knob.LogScale && i % 2 == 0 =>
                knob with
                {
                    Default = (long)knob.Round(knob.ValueAt(random.NextDouble())),
                    Special = [new SpecialValue(0, null)],
                },
            KnobType.Integer => knob with { Default = (long)knob.Round(knob.ValueAt(0.9 * random.NextDouble())) },
            KnobType.Real => knob with { Default = knob.Round(knob.ValueAt(random.NextDouble())) },
            KnobType.Categorical => knob with { Default = knob.Values[random.Next(knob.Values.Count)] },
            _ => knob,
        };
    }
}
