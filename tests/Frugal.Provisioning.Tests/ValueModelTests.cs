using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Methods;

namespace Frugal.Provisioning.Tests;

public sealed class ValueModelTests : IDisposable
{
    private readonly string _root =
        Path.Combine(Path.GetTempPath(), "frugal-provisioning-models-" + Guid.NewGuid().ToString("N"));

    public ValueModelTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Rows whose label is a step in the predecessor's elapsed time (feature 37), as in real chains.</summary>
    private static List<ProbeSample> Samples(int count)
    {
        var random = new SeedTree(3).Stream("rows");
        return Enumerable.Range(0, count).Select(i =>
        {
            var x = new float[SnapshotFeatures.Length];
            for (var k = 0; k < 42; k++) x[k] = random.NextSingle();
            var elapsed = (float)(random.NextDouble() * 48);
            x[37] = elapsed;
            return new ProbeSample(0, i, x, elapsed < 24 ? -10 : 2);
        }).ToList();
    }

    [Theory]
    [InlineData(ValueModelKind.Forest)]
    [InlineData(ValueModelKind.Gbt)]
    public void AModelPredictsTheSameAfterSavingAndLoading(ValueModelKind kind)
    {
        var samples = Samples(80);
        var model = ValueModel.Train(kind, samples, seed: 1, new ValueModelOptions { Trees = 10, Leaves = 4 });
        var path = Path.Combine(_root, "m.zip");
        model.Save(path);
        var loaded = ValueModel.Load(path);

        Assert.Equal(kind, loaded.Kind);
        foreach (var s in samples.Take(10)) Assert.Equal(model.Predict(s.Features), loaded.Predict(s.Features));
        // The step is learned: early submissions predict overlap, late ones interruption.
        Assert.True(model.Predict(samples.First(s => s.LabelHours < 0).Features)
            < model.Predict(samples.First(s => s.LabelHours > 0).Features));
        Assert.IsType<ValueModelMethod>(MethodCatalog.Create(kind.Name(), TrainedModels.Of(loaded)));
    }

    [Fact]
    public void AFileThatIsNotAModelIsRefused()
    {
        var path = Path.Combine(_root, "not-a-model.zip");
        File.WriteAllText(path, "hello");
        var garbage = Assert.Throws<BadInputException>(() => ValueModel.Load(path));
        Assert.Contains("is not a model archive", garbage.Message);
        var missing = Assert.Throws<BadInputException>(() => ValueModel.Load(Path.Combine(_root, "missing.zip")));
        Assert.Contains("missing.zip': no such file", missing.Message);
    }

    private static ValueModel SmallGbt() =>
        ValueModel.Train(ValueModelKind.Gbt, Samples(40), seed: 1, new ValueModelOptions { Trees = 5, Leaves = 4 });

    [Fact]
    public void ADamagedModelFileIsRefusedNamingTheFile()
    {
        var model = SmallGbt();
        var bytes = model.ToBytes();
        var path = Path.Combine(_root, "damaged.zip");

        // Cut short, the archive's directory is gone: not a model archive at all.
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var cut = Assert.Throws<BadInputException>(() => ValueModel.Load(path));
        Assert.Contains($"model file '{path}' is not a model archive", cut.Message);

        // A byte flipped anywhere is refused as bad input or as damage, or, where it lands in a field
        // nothing reads (a timestamp), leaves a model that predicts as the original did; never another error.
        var random = new SeedTree(3).Stream("flips");
        var probe = Samples(1)[0].Features;
        for (var trial = 0; trial < 40; trial++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[random.Next(damaged.Length)] ^= (byte)(1 + random.Next(255));
            File.WriteAllBytes(path, damaged);
            try
            {
                Assert.Equal(model.Predict(probe), ValueModel.Load(path).Predict(probe));
            }
            catch (Exception e) when (e is BadInputException or CorruptDataException)
            {
                Assert.Contains($"model file '{path}'", e.Message);
            }
        }
    }

    [Fact]
    public void AModelOfOneKindIsNotUsedAsTheOther()
    {
        var model = SmallGbt();
        Assert.Throws<BadInputException>(() => MethodCatalog.Create("forest", TrainedModels.Of(model)));
        var path = Path.Combine(_root, "gbt.zip");
        model.Save(path);
        var other = Assert.Throws<BadInputException>(() => TrainedModels.Load("forest", path));
        Assert.Equal($"method 'forest' was given a 'gbt' model ({path})", other.Message);
    }
}
