using System.Globalization;
using System.IO.Compression;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Core.Randomness;
using Frugal.Provisioning.Chains;

namespace Frugal.Provisioning.Methods;

/// <summary>What REINFORCE subtracts from a return.</summary>
public enum PolicyBaseline
{
    /// <summary>Mirage's: the running mean of the episode's own rewards so far. With one reward at the
    /// end it cancels a one-step episode's return entirely, so submitting at once is never penalised.</summary>
    Episode,

    /// <summary>The batch's mean reward, discounted like the return: an episode is judged against its peers.</summary>
    Batch,
}

/// <summary>REINFORCE settings; the defaults are Mirage's (§6 of the brief).</summary>
public sealed record PolicyGradientOptions
{
    /// <summary>The most updates a training may run (a sanity limit: Mirage runs 60).</summary>
    public const int MaxUpdates = 100_000;

    /// <summary>The most episodes one update may sample (Mirage samples 32).</summary>
    public const int MaxEpisodesPerUpdate = 10_000;

    /// <summary>The name messages give <see cref="Updates"/>.</summary>
    public const string UpdatesSetting = "policy-gradient updates";

    /// <summary>The name messages give <see cref="EpisodesPerUpdate"/>.</summary>
    public const string EpisodesSetting = "episodes per update";

    /// <summary>What REINFORCE subtracts from a return.</summary>
    public PolicyBaseline Baseline { get; init; } = PolicyBaseline.Episode;

    /// <summary>Policy updates, one per batch of episodes.</summary>
    public int Updates { get; init; } = 60;

    /// <summary>Episodes sampled per update.</summary>
    public int EpisodesPerUpdate { get; init; } = 32;

    /// <summary>Adam's step size.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>The discount γ of a return.</summary>
    public double Discount { get; init; } = 0.99;

    /// <summary>The weight of the entropy bonus.</summary>
    public double EntropyWeight { get; init; } = 0.1;

    /// <summary>The policy acts every 6 ten-minute ticks: hourly, as in Mirage's policy-gradient runs.</summary>
    public int TicksPerDecision { get; init; } = 6;

    /// <exception cref="BadInputException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Updates is < 1 or > MaxUpdates)
            throw new BadInputException(
                $"{UpdatesSetting}: {Updates} is not between 1 and {MaxUpdates:N0}", UpdatesSetting);
        if (EpisodesPerUpdate is < 1 or > MaxEpisodesPerUpdate)
            throw new BadInputException(
                $"{EpisodesSetting}: {EpisodesPerUpdate} is not between 1 and {MaxEpisodesPerUpdate:N0}",
                EpisodesSetting);
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate) || !(Discount > 0 && Discount <= 1)
            || !(EntropyWeight >= 0)
            || !double.IsFinite(EntropyWeight) || TicksPerDecision < 1)
            throw new BadInputException(
                "policy-gradient learning rate, discount, entropy weight or cadence out of range");
    }
}

/// <summary>
/// Mirage's policy: logits = Linear(1→2) over a frozen value model's predicted gap (hours); action
/// 0 waits, 1 submits. Deployed greedily, it is a learned threshold on the prediction.
/// </summary>
public sealed class PolicyModel
{
    private const string ValueEntry = "value-model.zip";
    private const string PolicyEntry = "policy.txt";

    /// <param name="value">The frozen value model whose prediction the policy reads.</param>
    /// <param name="parameters">Weight of wait, weight of submit, bias of wait, bias of submit.</param>
    public PolicyModel(ValueModel value, double[] parameters)
    {
        if (parameters.Length != 4) throw new ArgumentException("the policy has 4 parameters.");
        Value = value;
        Parameters = parameters;
    }

    /// <summary>The frozen value model whose prediction the policy reads.</summary>
    public ValueModel Value { get; }
    /// <summary>Weight of wait, weight of submit, bias of wait, bias of submit.</summary>
    public IReadOnlyList<double> Parameters { get; }

    /// <summary>The probability of submitting now, given the predicted gap <paramref name="predictedHours"/>.</summary>
    public double SubmitProbability(double predictedHours) => Softmax(Parameters.ToArray(), predictedHours).Submit;

    internal static (double Wait, double Submit) Softmax(double[] p, double x)
    {
        var wait = p[0] * x + p[2];
        var submit = p[1] * x + p[3];
        var max = Math.Max(wait, submit);
        double ew = Math.Exp(wait - max), es = Math.Exp(submit - max);
        return (ew / (ew + es), es / (ew + es));
    }

    /// <summary>
    /// Writes the policy and its value model to one archive at <paramref name="path"/>, which <see cref="Load"/> reads.
    /// </summary>
    public void Save(string path)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var stream = archive.CreateEntry(ValueEntry).Open()) stream.Write(Value.ToBytes());
            using var writer = new StreamWriter(archive.CreateEntry(PolicyEntry).Open());
            writer.Write(string.Join(' ', Parameters.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }

    /// <summary>
    /// Greedy, the policy submits where its two logits cross: a learned threshold on the predicted
    /// gap, in hours (NaN where the logits are parallel and the policy always or never submits).
    /// </summary>
    public double SubmitThresholdHours =>
        Parameters[1] == Parameters[0]
            ? double.NaN
            : -(Parameters[3] - Parameters[2]) / (Parameters[1] - Parameters[0]);

    /// <summary>The policy saved at <paramref name="path"/>.</summary>
    /// <exception cref="BadInputException">The file is missing, not a regular file of bounded size, or not a policy
    /// model.</exception>
    /// <exception cref="CorruptDataException">The file is a policy archive whose contents are damaged.</exception>
    public static PolicyModel Load(string path)
    {
        var (value, parameters) = ModelFile.Open(ModelFile.Read(path), path, archive =>
        {
            var valueEntry = archive.GetEntry(ValueEntry);
            var policyEntry = archive.GetEntry(PolicyEntry);
            if (valueEntry is null || policyEntry is null)
                throw new BadInputException(
                    $"model file '{path}' is not a policy model (it has no '{PolicyEntry}' and '{ValueEntry}')");
            return (ModelFile.Bytes(valueEntry, path), ModelFile.Text(policyEntry, path));
        });
        var parts = parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var theta = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out theta[i])
                || !double.IsFinite(theta[i]))
                throw new CorruptDataException(
                    $"model file '{path}': policy parameter '{parts[i]}' is not a finite number");
        if (theta.Length != 4)
            throw new CorruptDataException(
                $"model file '{path}': the policy has {theta.Length} parameters, expected 4");
        return new PolicyModel(ValueModel.FromBytes(value, path), theta);
    }
}

/// <summary>The trained policy deployed greedily: submit, on its hourly ticks, when submitting is the likelier
/// action.</summary>
internal sealed class PolicyGradientMethod(PolicyModel policy, int ticksPerDecision = 6) : IProvisioningMethod
{
    public string Name => "pg";

    public bool ShouldSubmit(DecisionContext context) =>
        context.Tick % ticksPerDecision == 0
            && policy.SubmitProbability(policy.Value.Predict(context.Features())) > 0.5;
}

/// <summary>A policy as training left it, and how its episodes fared update by update.</summary>
/// <param name="Policy">The trained policy.</param>
/// <param name="MeanRewardByUpdate">Each update's mean episode reward, −60·|gap in hours|: it rises as the policy
/// learns.</param>
public sealed record TrainedPolicy(PolicyModel Policy, IReadOnlyList<double> MeanRewardByUpdate);

/// <summary>
/// REINFORCE: episodes sample actions from the current policy; the only reward, −60·|gap in
/// hours| (the gap in minutes), comes at the submission; returns are discounted by γ, the baseline
/// is the running mean of the episode's rewards so far, and the loss, −Σ log π(a|s)·A averaged over
/// episodes minus the entropy bonus, is minimised with Adam, one update per batch of episodes.
/// The policy has four parameters, so its gradient is written out rather than taken from a
/// tensor library.
/// </summary>
internal static class PolicyGradientTrainer
{
    /// <summary>Trains a policy over the frozen <paramref name="value"/> model on episodes that start at
    /// <paramref name="starts"/>.</summary>
    /// <exception cref="BadInputException">The options are out of range, or there is no start to train on.</exception>
    public static TrainedPolicy Train(ChainEpisode episode, IReadOnlyList<long> starts, ValueModel value,
        PolicyGradientOptions options, SeedTree seeds, IProgress<double>? progress = null,
        CancellationToken cancellation = default)
    {
        options.Validate();
        if (starts.Count == 0) throw new BadInputException("policy gradient needs at least one training sample start");
        var meanRewards = new double[options.Updates];
        var theta = new double[4];
        var adam = new Adam(theta.Length, options.LearningRate);
        for (var u = 0; u < options.Updates; u++)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = new (List<(double X, int Action)> Steps, double Reward)[options.EpisodesPerUpdate];
            var current = (double[])theta.Clone();
            var update = seeds.Child($"update-{u}");
            Parallel.For(0, batch.Length, new ParallelOptions
            {
                CancellationToken = cancellation,
                MaxDegreeOfParallelism = Environment.ProcessorCount,
            }, e =>
            {
                var random = update.Stream($"episode-{e}");
                var explorer = new Explorer(current, value, random, options.TicksPerDecision);
                var gap = episode.Run(starts[random.Next(starts.Count)], explorer);
                batch[e] = (explorer.Steps, -60 * Math.Abs(gap.Hours));
            });
            meanRewards[u] = batch.Average(b => b.Reward);
            adam.Step(theta, Gradient(theta, batch, options));
            progress?.Report((u + 1.0) / options.Updates);
        }
        return new TrainedPolicy(new PolicyModel(value, theta), meanRewards);
    }

    /// <summary>The gradient of the REINFORCE loss with entropy bonus over one batch.</summary>
    internal static double[] Gradient(double[] theta,
        IReadOnlyList<(List<(double X, int Action)> Steps, double Reward)> batch, PolicyGradientOptions options)
    {
        var gradient = new double[4];
        var steps = batch.Sum(b => b.Steps.Count);
        if (steps == 0) return gradient;
        var meanReward = batch.Average(b => b.Reward);
        foreach (var (trajectory, reward) in batch)
        {
            var last = trajectory.Count - 1;
            for (var t = 0; t <= last; t++)
            {
                var (x, action) = trajectory[t];
                // The reward arrives at the last step (the submission, or the last wait before the forced one).
                var discount = Math.Pow(options.Discount, last - t);
                var ret = discount * reward;
                var baseline =
                    options.Baseline == PolicyBaseline.Batch ? discount * meanReward : t == last
                    ? reward / trajectory.Count : 0;
                var advantage = ret - baseline;
                var (pw, ps) = PolicyModel.Softmax(theta, x);
                double[] p = [pw, ps];
                var entropy = -(pw * Math.Log(pw) + ps * Math.Log(ps));
                for (var k = 0; k < 2; k++)
                {
                    // d log π(a)/d logit_k = 1[k = a] − p_k;  dH/d logit_k = −p_k (log p_k + H).
                    var dLogPi = (k == action ? 1 : 0) - p[k];
                    var dEntropy = -p[k] * (Math.Log(p[k]) + entropy);
                    var dLoss = -advantage * dLogPi / batch.Count - options.EntropyWeight * dEntropy / steps;
                    gradient[k] += dLoss * x;
                    gradient[k + 2] += dLoss;
                }
            }
        }
        return gradient;
    }

    /// <summary>Samples actions from the current policy and records them, for one training episode.</summary>
    private sealed class Explorer(double[] theta, ValueModel value, RandomStream random, int ticksPerDecision)
        : IProvisioningMethod
    {
        public string Name => "pg";
        public List<(double X, int Action)> Steps { get; } = [];

        public bool ShouldSubmit(DecisionContext context)
        {
            if (context.Tick % ticksPerDecision != 0) return false;
            var x = value.Predict(context.Features());
            var submit = random.NextDouble() < PolicyModel.Softmax(theta, x).Submit;
            Steps.Add((x, submit ? 1 : 0));
            return submit;
        }
    }

    /// <summary>Adam (Kingma and Ba) with the usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    private sealed class Adam(int size, double learningRate)
    {
        private readonly double[] _m = new double[size];
        private readonly double[] _v = new double[size];
        private int _t;

        public void Step(double[] theta, double[] gradient)
        {
            _t++;
            for (var i = 0; i < theta.Length; i++)
            {
                _m[i] = 0.9 * _m[i] + 0.1 * gradient[i];
                _v[i] = 0.999 * _v[i] + 0.001 * gradient[i] * gradient[i];
                var mHat = _m[i] / (1 - Math.Pow(0.9, _t));
                var vHat = _v[i] / (1 - Math.Pow(0.999, _t));
                theta[i] -= learningRate * mHat / (Math.Sqrt(vHat) + 1e-8);
            }
        }
    }
}
