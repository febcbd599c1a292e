using Frugal.Compression.Simulation;
using Frugal.Core.Errors;

namespace Frugal.Compression.Tests;

public sealed class CostModelTests
{
    [Fact]
    public void LinkTimesMatchHandComputations()
    {
        var link = LinkModel.Of(50, 8); // α = 50 µs, β = 1 GB/s
        Assert.Equal(50e-6 + 1e-3, link.PointToPoint(1_000_000), 12);
        // Ring all-reduce over 4: 2·3·α + 2·3/4·n/β.
        Assert.Equal(6 * 50e-6 + 1.5e-3, link.AllReduce(1_000_000, 4), 12);
        // Ring all-gather of m per rank over 4: 3·α + 3·m/β.
        Assert.Equal(3 * 50e-6 + 3 * 2.5e-4, link.AllGather(250_000, 4), 12);
        Assert.Equal(0, link.AllReduce(1_000_000, 1));
        Assert.Equal("50us/8Gbps", link.ToString());
        Assert.Equal(link, LinkModel.Parse("50us/8Gbps"));
        Assert.Throws<BadInputException>(() => LinkModel.Parse("fast"));
        Assert.Throws<BadInputException>(() => LinkModel.Parse("10us/0Gbps"));
    }

    [Fact]
    public void ANonSummableCodecHelpsTensorParallelismOnlyBelowTwoNOverT()
    {
        var link = LinkModel.Of(0, 8);
        const long n = 1_000_000;
        const int t = 4;
        Assert.True(link.AllGather(2 * n / t - 1000, t) < link.AllReduce(n, t));
        Assert.True(link.AllGather(2 * n / t + 1000, t) > link.AllReduce(n, t));
    }

    private static StepProfile TwoStages()
    {
        // Forward 1 s, backward 2 s; every message 0.5 s on a 0-latency link of 1 byte/s.
        var profile = new StepProfile(2, 2, 1);
        for (var m = 0; m < 2; m++)
        {
            profile[0, m].ForwardCompute = profile[1, m].ForwardCompute = 1;
            profile[0, m].BackwardCompute = profile[1, m].BackwardCompute = 2;
            profile[0, m].Activation = new PipelineMessage(1);
            profile[1, m].Gradient = new PipelineMessage(1);
        }
        return profile;
    }

    private static readonly Network HalfSecond = Network.Uniform(new LinkModel(0, 2));

    [Fact]
    public void GPipeOnTwoStagesMatchesTheHandDrawnSchedule()
    {
        // Stage 0: F0 0–1, F1 1–2, (waits) B1 6–8, B0 8–10.
        // Stage 1: F0 1.5–2.5, F1 2.5–3.5, B1 3.5–5.5, B0 5.5–7.5; gradients arrive at 6 and 8.
        var timeline = StepSimulator.Simulate(TwoStages(), HalfSecond, PipelineSchedule.GPipe);
        Assert.Equal(10, timeline.Makespan, 9);
        Assert.Equal(1.0, timeline.Communication, 9); // two half-second messages on the critical path
        Assert.Equal(9.0, timeline.Compute, 9);
        Assert.Equal(0.1, timeline.CommunicationShare, 9);
    }

    [Fact]
    public void OneForwardOneBackwardOnTwoStagesMatchesTheHandDrawnSchedule()
    {
        // Stage 0: F0 0–1, F1 1–2, B0 5–7, B1 8–10. Stage 1: F0 1.5–2.5, B0 2.5–4.5, F1 4.5–5.5, B1 5.5–7.5.
        Assert.Equal([(true, 0), (true, 1), (false, 0), (false, 1)],
            StepSimulator.Order(PipelineSchedule.OneForwardOneBackward, 0, 2, 2));
        Assert.Equal([(true, 0), (false, 0), (true, 1), (false, 1)],
            StepSimulator.Order(PipelineSchedule.OneForwardOneBackward, 1, 2, 2));
        var timeline = StepSimulator.Simulate(TwoStages(), HalfSecond, PipelineSchedule.OneForwardOneBackward);
        Assert.Equal(10, timeline.Makespan, 9);
    }

    [Fact]
    public void CollectivesAndCodecTimeLengthenTheirPass()
    {
        var profile = new StepProfile(1, 1, 4);
        profile[0, 0].ForwardCompute = 1;
        profile[0, 0].BackwardCompute = 2;
        profile[0, 0].ForwardCollectives.Add(new CollectiveMessage(CollectiveKind.AllReduce, 4, 0.25, 0.5));
        profile[0, 0].BackwardCollectives.Add(new CollectiveMessage(CollectiveKind.AllGather, 1));
        // All-reduce of 4 bytes over 4 ranks at 1 B/s: 2·3/4·4 = 6 s; all-gather of 1 byte: 3 s.
        var timeline = StepSimulator.Simulate(profile, Network.Uniform(new LinkModel(0, 1)), PipelineSchedule.GPipe);
        Assert.Equal(1 + 0.75 + 6 + 2 + 3, timeline.Makespan, 9);
        Assert.Equal(0.75, timeline.Codec, 9);
        Assert.Equal(9, timeline.Communication, 9);
        Assert.Equal(4 + 1, profile.BytesPerStep);
    }

    [Fact]
    public void ACompressedBackwardMessageIsCountedAtItsPackedSizeWithItsCodecTime()
    {
        // As the hand-drawn GPipe schedule, but each gradient is a packed 1-byte message (0.5 s) that takes 0.25 s to
        // encode on stage 1 and 0.25 s to decode on stage 0. Stage 1: F0 1.5–2.5, F1 2.5–3.5, B1 3.5–5.75
        // (encode + 2 s), B0 5.75–8; the gradients arrive at 6.25 and 8.5. Stage 0: B1 6.25–8.5 (decode + 2 s),
        // B0 8.5–10.75. Critical path: F0₀, message, F0₁, F1₁, B1₁ (encode), message, B1₀ (decode), B0₀ (decode).
        var profile = TwoStages();
        for (var m = 0; m < 2; m++) profile[1, m].Gradient = new PipelineMessage(1, 0.25, 0.25);
        var timeline = StepSimulator.Simulate(profile, HalfSecond, PipelineSchedule.GPipe);
        Assert.Equal(10.75, timeline.Makespan, 9);
        Assert.Equal(0.75, timeline.Codec, 9);
        Assert.Equal(9, timeline.Compute, 9);
        Assert.Equal(1, timeline.Communication, 9);
        Assert.Equal(4, profile.BytesPerStep);
    }
}
