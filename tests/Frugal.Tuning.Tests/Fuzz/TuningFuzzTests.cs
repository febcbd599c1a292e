using CsCheck;
using Frugal.Fuzz;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Tests.Loop;

namespace Frugal.Tuning.Tests.Fuzz;

/// <summary>
/// Damaged space files and histories: each is read or refused with one line of bad input, never anything else, and
/// a refused history is left byte for byte as it was (reading one never changes it).
/// </summary>
public sealed class TuningFuzzTests : IDisposable
{
    private static readonly SearchSpace Space = HistoryValidationTests.Space;
    private static readonly TuningPlan Plan = HistoryValidationTests.Plan;

    private readonly string _root = Directory.CreateTempSubdirectory("frugal-tuning-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ADamagedSpaceFileIsReadOrRefusedInOneLine()
    {
        var sample = System.Text.Encoding.UTF8.GetBytes(SpaceFile.ToJson(Space));
        var path = Path.Combine(_root, "space.json");
        FuzzCheck.ForEach(Gen.Select(FuzzCheck.Damages, FuzzCheck.Damages), 200, c =>
        {
            File.WriteAllBytes(path, c.Item2.Apply(c.Item1.Apply(sample)));
            FuzzCheck.Refusal(() => SpaceFile.Load(path));
        });
    }

    [Fact]
    public void ADamagedHistoryIsReadOrRefusedAndARefusedOneIsNotChanged()
    {
        var original = Path.Combine(_root, "original.jsonl");
        using var target = new FakeTarget(c => (double)c["x"]);
        var identity = Plan.Identity(target.Objective);
        using (var history = TuningHistory.Create(original, identity, Space)) Tuner.Run(target, Plan, history);
        var sample = File.ReadAllBytes(original);
        var path = Path.Combine(_root, "h.jsonl");
        FuzzCheck.ForEach(Gen.Select(FuzzCheck.Damages, FuzzCheck.Damages), 150, c =>
        {
            var damaged = c.Item2.Apply(c.Item1.Apply(sample));
            File.WriteAllBytes(path, damaged);
            FuzzCheck.Refusal(() => TuningHistory.Load(path, Plan.TargetName, Space));
            Assert.Equal(damaged, File.ReadAllBytes(path));
            if (FuzzCheck.Refusal(() => TuningHistory.Resume(path, identity, Space).Dispose()) is not null)
                Assert.Equal(damaged, File.ReadAllBytes(path));
        });
    }
}
