using System.Globalization;

namespace Frugal.Learning.Data;

/// <summary>
/// One example of the Criteo Kaggle (Display Advertising Challenge) click log: a click label, 13 integer
/// features and 26 categorical features hashed to 32 bits. A missing value is null.
/// </summary>
public sealed class CriteoExample
{
    /// <summary>The integer features I1–I13.</summary>
    public const int IntegerCount = 13;

    /// <summary>The categorical features C1–C26.</summary>
    public const int CategoricalCount = 26;

    /// <summary>1 = clicked, 0 = not clicked.</summary>
    public required int Label { get; init; }

    /// <summary>I1–I13 ("mostly counts"; a few columns hold small negative values).</summary>
    public required long?[] Integers { get; init; }

    /// <summary>C1–C26, each the 32-bit hash the file writes as 8 hexadecimal digits.</summary>
    public required uint?[] Categoricals { get; init; }
}

/// <summary>
/// Reads the Criteo Kaggle TSV format: one example per line, 40 tab-separated fields (label, I1–I13,
/// C1–C26), an empty field for a missing value. No Criteo data ships with Frugal (its terms forbid
/// redistribution): users bring their own <c>train.txt</c> or <c>dac_sample.txt</c>.
/// </summary>
public static class CriteoReader
{
    private const int FieldCount = 1 + CriteoExample.IntegerCount + CriteoExample.CategoricalCount;
    private const string Layout = "label, I1-I13, C1-C26, tab-separated";

    /// <summary>
    /// The examples of the file at <paramref name="path"/>, read as they are enumerated (the file may be far
    /// larger than memory). The file is checked at once; a malformed line stops the enumeration with a
    /// <see cref="Frugal.Core.Errors.BadInputException"/> naming the file, line and field.
    /// </summary>
    public static IEnumerable<CriteoExample> Read(string path)
    {
        var file = DataFile.Open(path, "Criteo file");
        return Examples(file);
    }

    private static IEnumerable<CriteoExample> Examples(DataFile file)
    {
        using (file)
        {
            while (file.Next() is { } line)
                yield return Parse(file, line);
        }
    }

    private static CriteoExample Parse(DataFile file, string line)
    {
        var fields = file.Fields(line, '\t', FieldCount, Layout);
        var label = fields[0] switch
        {
            "0" => 0,
            "1" => 1,
            _ => throw file.Error("label", $"'{fields[0]}' is not 0 or 1"),
        };
        var integers = new long?[CriteoExample.IntegerCount];
        for (var i = 0; i < integers.Length; i++)
        {
            var text = fields[1 + i];
            if (text.Length == 0) continue;
            var parsed = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n);
            integers[i] = parsed ? n : throw file.Error($"I{i + 1}", $"'{text}' is not an integer");
        }
        var categoricals = new uint?[CriteoExample.CategoricalCount];
        for (var c = 0; c < categoricals.Length; c++)
        {
            var text = fields[1 + CriteoExample.IntegerCount + c];
            if (text.Length == 0) continue;
            categoricals[c] = text.Length <= 8
                && uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash)
                ? hash
                : throw file.Error($"C{c + 1}", $"'{text}' is not a hashed category (up to 8 hexadecimal digits)");
        }
        return new CriteoExample { Label = label, Integers = integers, Categoricals = categoricals };
    }
}
