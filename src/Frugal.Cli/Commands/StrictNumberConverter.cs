using System.ComponentModel;
using System.Globalization;
using System.Numerics;

namespace Frugal.Cli.Commands;

/// <summary>
/// Reads an optional numeric option (<c>int?</c>, <c>double?</c>) whose absence means "the default": the parser's own
/// converter turns an empty value into "absent" without a word, so <c>--repeats ''</c> would quietly run with the
/// default. This one refuses an empty value like any other text that is not a number.
/// </summary>
/// <typeparam name="T">The number type.</typeparam>
internal sealed class StrictNumberConverter<T> : TypeConverter where T : struct, INumber<T>
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string);

    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        T.Parse(((string)value).Trim() is { Length: > 0 } text ? text : throw new FormatException("empty"),
            NumberStyles.Float, CultureInfo.InvariantCulture);
}
