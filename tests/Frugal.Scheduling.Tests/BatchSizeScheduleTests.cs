using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Tests;

public class BatchSizeScheduleTests
{
    [Fact]
    public void AccordionSwitchesToTheLargeBatchOutsideCriticalRegimesAfterThirtyPercent()
    {
        var schedule = BatchSizeSchedule.Accordion(JobType.Parse("ResNet-18 (batch size 32)"), 200);
        Assert.All(schedule[..61], bs => Assert.Equal(32, bs)); // epochs 0..60: 60 = 200·0.3 is not past 30%
        Assert.All(schedule[61..150], bs => Assert.Equal(256, bs));
        Assert.All(schedule[150..160], bs => Assert.Equal(32, bs)); // critical regime
        Assert.All(schedule[160..], bs => Assert.Equal(256, bs));
        Assert.All(BatchSizeSchedule.Accordion(JobType.Parse("Transformer (batch size 32)"), 50), bs =>
            Assert.Equal(32, bs));
        var resnet50 = BatchSizeSchedule.Accordion(JobType.Parse("ResNet-50 (batch size 16)"), 100);
        Assert.Equal(16, resnet50[35]); // 35 mod 30 < 10
        Assert.Equal(128, resnet50[45]);
    }

    [Fact]
    public void GradientNoiseScaleFollowsTheTableAndLeavesTheLastEpochOfLaterRanges()
    {
        var schedule = BatchSizeSchedule.GradientNoiseScale(JobType.Parse("ResNet-18 (batch size 32)"), 60, 1);
        Assert.All(schedule[..21], bs => Assert.Equal(32, bs));
        Assert.All(schedule[21..31], bs => Assert.Equal(64, bs));
        Assert.All(schedule[31..51], bs => Assert.Equal(128, bs));
        Assert.All(schedule[51..59], bs => Assert.Equal(256, bs));
        Assert.Equal(32, schedule[59]);
        // The first range reaches the last epoch.
        var short_ = BatchSizeSchedule.GradientNoiseScale(JobType.Parse("ResNet-18 (batch size 32)"), 25, 1);
        Assert.Equal(64, short_[24]);
        // Too few epochs, or no row in the table: unchanged.
        Assert.All(BatchSizeSchedule.GradientNoiseScale(JobType.Parse("ResNet-18 (batch size 32)"), 21, 1), bs =>
            Assert.Equal(32, bs));
        Assert.All(BatchSizeSchedule.GradientNoiseScale(JobType.Parse("Transformer (batch size 16)"), 100, 1), bs =>
            Assert.Equal(16, bs));
        // Capped at the model's largest batch size.
        Assert.Equal(80, BatchSizeSchedule.GradientNoiseScale(JobType.Parse("LM (batch size 5)"), 100, 1)[80]);
    }

    [Fact]
    public void EpochsFollowFromStepsAndDatasetSize()
    {
        // ResNet-18 at bs 32: ⌈50000/32⌉ = 1563 steps per epoch.
        Assert.Equal(1563, ModelFamily.ResNet18.StepsPerEpoch(32));
        Assert.Equal(2, Fixtures.Job(0, "ResNet-18 (batch size 32)", 1564, 0).Epochs);
        Assert.Equal(1, Fixtures.Job(0, "ResNet-18 (batch size 32)", 1563, 0).Epochs);
        Assert.Equal(21, ModelFamily.Templates.Count);
    }
}
