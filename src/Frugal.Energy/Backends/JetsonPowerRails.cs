using System.Globalization;

namespace Frugal.Energy.Backends;

/// <summary>
/// The INA3221 power monitors of a Jetson board, read from sysfs as tegrastats reads them (design §5), so measuring
/// needs no tegrastats process. Two layouts exist: hwmon on Orin and Xavier (<c>in{N}_label</c>, <c>in{N}_input</c> mV,
/// <c>curr{N}_input</c> mA) and iio on TX2 (<c>rail_name_{N}</c>, <c>in_power{N}_input</c> mW). Following the
/// paper's App. A.2, TX2 reports its total input rail (<c>VDD_IN</c>) and Orin the sum of its component rails (every
/// rail but the board inputs, <c>VIN_*</c>, which would count the same power twice).
/// </summary>
internal sealed class JetsonPowerRails
{
    private const string Hwmon = "sys/bus/i2c/drivers/ina3221";
    private const string Iio = "sys/bus/i2c/drivers/ina3221x";
    private const string TotalInput = "VDD_IN";

    private readonly IReadOnlyList<Rail> _rails;

    private JetsonPowerRails(IReadOnlyList<Rail> rails) => _rails = rails;

    /// <summary>The rails summed, as the sensor's name shows them (<c>ina3221 VDD_GPU_SOC+VDD_CPU_CV</c>).</summary>
    public string Sensor => "ina3221 " + string.Join('+', _rails.Select(r => r.Name));

    /// <summary>The board's rails under <paramref name="root"/>; null where it has no INA3221 monitor.</summary>
    public static JetsonPowerRails? Discover(string root)
    {
        var all = HwmonRails(Path.Combine(root, Hwmon)).Concat(IioRails(Path.Combine(root, Iio))).ToArray();
        var total = all.Where(r => r.Name == TotalInput).ToArray();
        var components = all.Where(r => !r.Name.StartsWith("VIN", StringComparison.Ordinal) && r.Name != TotalInput)
            .ToArray();
        Rail[] chosen = total.Length > 0 ? total : components;
        return chosen.Length > 0 ? new JetsonPowerRails(chosen) : null;
    }

    /// <summary>Power now, in watts: the chosen rails summed.</summary>
    public double Watts() => _rails.Sum(r => r.MilliWatts()) / 1e3;

    private static IEnumerable<Rail> HwmonRails(string driver)
    {
        foreach (var hwmon in Folders(driver, "*/hwmon/hwmon*"))
            foreach (var label in Directory.GetFiles(hwmon, "in*_label").Order(StringComparer.Ordinal))
            {
                var channel = Path.GetFileName(label)[2..^"_label".Length];
                var name = File.ReadAllText(label).Trim();
                if (name == "NC") continue;
                var volts = Path.Combine(hwmon, $"in{channel}_input");
                var amps = Path.Combine(hwmon, $"curr{channel}_input");
                if (File.Exists(volts) && File.Exists(amps))
                    yield return new Rail(name, () => Number(volts) * Number(amps) / 1e3);
            }
    }

    private static IEnumerable<Rail> IioRails(string driver)
    {
        foreach (var device in Folders(driver, "*/iio:device*"))
            foreach (var label in Directory.GetFiles(device, "rail_name_*").Order(StringComparer.Ordinal))
            {
                var power = Path.Combine(device, $"in_power{Path.GetFileName(label)["rail_name_".Length..]}_input");
                if (File.Exists(power)) yield return new Rail(File.ReadAllText(label).Trim(), () => Number(power));
            }
    }

    /// <summary>Folders matching a two- or three-level pattern such as <c>*/hwmon/hwmon*</c>, in name order.</summary>
    private static IEnumerable<string> Folders(string driver, string pattern)
    {
        if (!Directory.Exists(driver)) return [];
        IEnumerable<string> level = [driver];
        foreach (var part in pattern.Split('/'))
            level = level.SelectMany(d => Directory.GetDirectories(d, part).Order(StringComparer.Ordinal));
        return level.ToArray();
    }

    private static double Number(string file) =>
        double.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);

    private sealed record Rail(string Name, Func<double> MilliWatts);
}
