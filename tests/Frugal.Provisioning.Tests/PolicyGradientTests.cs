using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Methods;

namespace Frugal.Provisioning.Tests;

public sealed class PolicyGradientTests : IDisposable
{
    private readonly string _root =
        Path.Combine(Path.GetTempPath(), "frugal-provisioning-pg-" + Guid.NewGuid().ToString("N"));

    public PolicyGradientTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly PolicyGradientOptions Options = new();

    private static List<(List<(double X, int Action)> Steps, double Reward)> Batch() =>
    [
        ([(-10, 1)], -60 * 10),                 // submitted far too early: a 10-hour overlap
        ([(-10, 0), (-3, 0), (0.2, 1)], -60 * 0.2), // waited, then submitted just in time
        ([(-5, 0), (-1, 0)], -60 * 2),          // never submitted: forced, 2 hours of interruption
    ];

    /// <summary>The REINFORCE surrogate whose gradient <see cref="PolicyGradientTrainer.Gradient"/> returns, with
    /// advantages held fixed.</summary>
    private static double Loss(double[] theta, List<(List<(double X, int Action)> Steps, double Reward)> batch)
    {
        var steps = batch.Sum(b => b.Steps.Count);
        double loss = 0;
        foreach (var (trajectory, reward) in batch)
        {
            var last = trajectory.Count - 1;
            for (var t = 0; t <= last; t++)
            {
                var (x, a) = trajectory[t];
                var advantage =
                    Math.Pow(Options.Discount, last - t) * reward - (t == last ? reward / trajectory.Count : 0);
                var (pw, ps) = PolicyModel.Softmax(theta, x);
                loss -= Math.Log(a == 1 ? ps : pw) * advantage / batch.Count;
                loss -= Options.EntropyWeight * -(pw * Math.Log(pw) + ps * Math.Log(ps)) / steps;
            }
        }
        return loss;
    }

    [Fact]
    public void TheAnalyticGradientMatchesFiniteDifferences()
    {
        double[] theta = [0.1, -0.2, 0.3, 0.05];
        var gradient = PolicyGradientTrainer.Gradient(theta, Batch(), Options);
        for (var i = 0; i < 4; i++)
        {
            const double h = 1e-6;
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            Assert.Equal((Loss(plus, Batch()) - Loss(minus, Batch())) / (2 * h), gradient[i], 4);
        }
    }

    [Fact]
    public void AOneStepEpisodeTeachesNothingButTheEntropyBonusStillPullsTowardUniform()
    {
        // The baseline, the running mean of the episode's rewards, equals a lone reward: no advantage.
        double[] theta = [0, 0, 0, 3];
        var gradient = PolicyGradientTrainer.Gradient(theta, [([(-10, 1)], -600)], Options);
        Assert.Equal(0, gradient[0] + gradient[1], 12);
        var stepped = theta.Select((v, i) => v - 0.1 * gradient[i]).ToArray();
        Assert.InRange(PolicyModel.Softmax(stepped, -10).Submit, 0.5, PolicyModel.Softmax(theta, -10).Submit - 1e-6);
        Assert.Equal(gradient, PolicyGradientTrainer.Gradient(theta, [([(-10, 1)], -1)], Options));
    }

    [Fact]
    public void WithTheBatchBaselineTheBetterEpisodeIsEncouragedAndTheWorseDiscouraged()
    {
        var options = Options with { Baseline = PolicyBaseline.Batch, EntropyWeight = 0 };
        var theta = new double[4];
        // Submitting at a predicted −10 h overlapped by 10 h; submitting at a predicted 2 h was on time.
        var gradient = PolicyGradientTrainer.Gradient(theta, [([(-10, 1)], -600), ([(2, 1)], 0)], options);
        var stepped = theta.Select((v, i) => v - 0.001 * gradient[i]).ToArray();
        Assert.True(PolicyModel.Softmax(stepped, -10).Submit < 0.5);
        Assert.True(PolicyModel.Softmax(stepped, 2).Submit > 0.5);
    }

    [Fact]
    public void APolicyPredictsTheSameAfterSavingAndLoading()
    {
        var random = new SeedTree(5).Stream("rows");
        var rows = Enumerable.Range(0, 30).Select(i =>
        {
            var x = new float[SnapshotFeatures.Length];
            x[37] = (float)(random.NextDouble() * 48);
            return new ProbeSample(0, i, x, x[37] - 48);
        }).ToList();
        var value = ValueModel.Train(ValueModelKind.Gbt, rows, seed: 2,
            new ValueModelOptions { Trees = 5, Leaves = 4 });
        var policy = new PolicyModel(value, [0.5, -0.25, 1.5, -2]);
        var path = Path.Combine(_root, "pg.zip");
        policy.Save(path);
        var loaded = PolicyModel.Load(path);

        Assert.Equal(policy.Parameters, loaded.Parameters);
        Assert.Equal(value.Predict(rows[3].Features), loaded.Value.Predict(rows[3].Features));
        Assert.Equal(policy.SubmitProbability(-2), loaded.SubmitProbability(-2));
        Assert.IsType<PolicyGradientMethod>(MethodCatalog.Create("pg", TrainedModels.None with { Policy = loaded }));
        value.Save(Path.Combine(_root, "value.zip"));
        var notPolicy = Assert.Throws<BadInputException>(() => PolicyModel.Load(Path.Combine(_root, "value.zip")));
        Assert.Contains("is not a policy model", notPolicy.Message);
    }
}
