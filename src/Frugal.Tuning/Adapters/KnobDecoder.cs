using System.Globalization;
using Frugal.Core.Errors;
using Frugal.Tuning.Spaces;

namespace Frugal.Tuning.Adapters;

/// <summary>
/// Turns a knob's position u ∈ [0, 1] into its value, as LlamaTune decodes: a categorical or boolean knob takes choice
/// ⌊u·n⌋ (clamped to n − 1, truncating so the first and last choices get their full share); a numeric knob with biased
/// special values takes special value k when u falls in its slice of the cumulative mass P, else maps u' = (u − P)/(1 −
/// P)
/// over its range (linear or log); integers are rounded, linear reals rounded to 2 decimals.
/// </summary>
internal sealed class KnobDecoder
{
    private readonly Knob _knob;
    private readonly double[] _cumulative;

    /// <param name="knob">The knob.</param>
    /// <param name="biased">Whether its special values get probability mass.</param>
    /// <param name="bias">The mass a knob's special values share when the space file gives them none.</param>
    /// <exception cref="BadInputException">The special values' probabilities reach 1 (the bias is too large for this
    /// knob).</exception>
    public KnobDecoder(Knob knob, bool biased, double bias)
    {
        _knob = knob;
        var special = biased ? knob.Special : [];
        // Values without a probability of their own share the bias evenly, so one such value gets exactly the bias.
        var unspecified = special.Count(s => s.Probability is null);
        var share = unspecified == 0 ? 0 : bias / unspecified;
        _cumulative = new double[special.Count];
        var total = 0.0;
        for (var i = 0; i < special.Count; i++) _cumulative[i] = total += special[i].Probability ?? share;
        if (total >= 1)
            throw new BadInputException(
                $"knob '{knob.Name}': its special values' probabilities sum to " +
                $"{total.ToString(CultureInfo.InvariantCulture)}, not below 1", AdapterSettings.BiasSetting);
    }

    public Knob Knob => _knob;

    /// <summary>The probability mass of the knob's biased special values (0 when unbiased).</summary>
    public double SpecialMass => _cumulative.Length == 0 ? 0 : _cumulative[^1];

    public object Decode(double u)
    {
        u = Math.Clamp(u, 0, 1);
        switch (_knob.Type)
        {
            case KnobType.Categorical:
                return _knob.Values[Choice(u, _knob.Values.Count)];
            case KnobType.Boolean:
                return Choice(u, 2) == 1;
        }
        for (var i = 0; i < _cumulative.Length; i++)
            if (u < _cumulative[i]) return Typed(_knob.Special[i].Value);
        var mass = SpecialMass;
        return _knob.Round(_knob.ValueAt((u - mass) / (1 - mass)));
    }

    /// <summary>
    /// A position that decodes to <paramref name="value"/> (or the nearest the knob can take), for registering known
    /// configurations.
    /// </summary>
    public double Encode(object value)
    {
        switch (_knob.Type)
        {
            case KnobType.Categorical:
                return LevelPosition(_knob.Values.ToList().IndexOf((string)value), _knob.Values.Count);
            case KnobType.Boolean:
                return LevelPosition((bool)value ? 1 : 0, 2);
        }
        var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        for (var i = 0; i < _cumulative.Length; i++)
            if (_knob.Special[i].Value == number) return (i == 0 ? 0 : _cumulative[i - 1]) / 2 + _cumulative[i] / 2;
        var mass = SpecialMass;
        return mass + (1 - mass) * _knob.PositionOf(number);
    }

    private static int Choice(double u, int n) => Math.Min((int)Math.Floor(u * n), n - 1);

    private static double LevelPosition(int choice, int n) => n == 1 ? 0 : (double)choice / (n - 1);

    private object Typed(double value) => _knob.Type == KnobType.Integer ? (object)(long)value : value;
}
