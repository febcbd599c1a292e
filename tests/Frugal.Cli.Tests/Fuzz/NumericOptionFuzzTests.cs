using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using Frugal.Core.IO;
using Frugal.Fuzz;

namespace Frugal.Cli.Tests.Fuzz;

/// <summary>
/// Every numeric option of the kv, tune and provision commands given generated values (extremes, random numbers,
/// random text): the command either runs (cut short after a second: a valid value may mean a long run) or fails with
/// one line in the user's terms and an exit code in the mapping, never an internal error or a .NET type name.
/// </summary>
public sealed partial class NumericOptionFuzzTests : IDisposable
{
    private static readonly string[] Extremes =
    [
        "abc", "", " ", "NaN", "Infinity", "-Infinity", "-1", "0", "1", "1e308", "-1e308", "4.9e-324",
        "9223372036854775807", "-9223372036854775808", "18446744073709551616", "99999999999", "1,5", " 7", "0x10",
        "1_000", "--", "-0", "+3", "١٢",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("frugal-option-fuzz-").FullName;
    private readonly string _store;
    private readonly string _trace;

    public NumericOptionFuzzTests()
    {
        _store = Path.Combine(_root, "store");
        Assert.Equal(0, CliRunner.Run("kv", "load", "--dir", _store, "--records", "100", "--memory-mib", "2").ExitCode);
        // The first 1,500 lines of the reference Slurm log: enough for an evaluation that takes a moment.
        _trace = Path.Combine(_root, "head.log");
        var log = Path.Combine(ReferenceData.Require("mirage"), "ls6-a100.log");
        File.WriteAllLines(_trace, File.ReadLines(log).Take(1500));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string[][] Commands() =>
    [
        ["kv", "get", "--dir", _store, "key7", "--memory-mib"],
        ["kv", "load", "--dir", Fresh(), "--value-bytes", "8", "--records"],
        ["kv", "load", "--dir", Fresh(), "--records", "10", "--value-bytes"],
        ["kv", "load", "--dir", Fresh(), "--records", "10", "--memory-mib"],
        ["tune", "run", "--method", "random", "--out", Fresh(), "--iterations"],
        ["tune", "run", "--target", "kv", "--scale", "1", "--duration", "0.05", "--out", Fresh(), "--warmup"],
        ["tune", "run", "--target", "kv", "--scale", "1", "--warmup", "0", "--out", Fresh(), "--repeats"],
        ["provision", "evaluate", "--method", "reactive", "--trace", _trace, "--skip-bad", "--chain-hours"],
        ["provision", "evaluate", "--method", "reactive", "--trace", _trace, "--skip-bad", "--stride-hours"],
        ["provision", "evaluate", "--method", "reactive", "--trace", _trace, "--skip-bad", "--load"],
        ["provision", "simulate", "--trace", _trace, "--skip-bad", "--seed"],
    ];

    private string Fresh() => Path.Combine(_root, Guid.NewGuid().ToString("N"));

    private static Gen<string> Values { get; } = Gen.Frequency(
        (4, Gen.OneOf(Extremes)),
        (2, Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (2, Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.String[Gen.Char, 0, 12]));

    [Fact]
    public void ANumericOptionIsUsedOrRefusedInOneLineOfTheUsersTerms()
    {
        var count = Commands().Length;
        FuzzCheck.ForEach(Gen.Select(Gen.Int[0, count - 1], Values), 90, c =>
        {
            // Each case gets fresh folders: a history a valid value left must not refuse the next case.
            var commands = Commands();
            using var cut = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var (code, _, errors) = CliRunner.Run(cut.Token, [.. commands[c.Item1], c.Item2]);
            Assert.Contains(code, new[] { 0, ExitCodes.Failure, ExitCodes.Usage, ExitCodes.CorruptData,
                                          ExitCodes.Cancelled });
            if (code is 0 or ExitCodes.Cancelled) return;
            var line = Assert.Single(errors.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("frugal: ", line);
            Assert.DoesNotContain("internal error", line);
            Assert.DoesNotMatch(TypeName(), line);
        });
    }

    // An exception's type, or a .NET type a parser names ("Failed to convert 'abc' to Nullable`1.").
    [GeneratedRegex(@"\b[A-Z][A-Za-z]*Exception\b|\b(Nullable`1|U?Int(16|32|64)|Double|Single|Boolean)\b")]
    private static partial Regex TypeName();
}
