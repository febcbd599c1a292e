using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Tests;

/// <summary>The artifact's simulator rules for batch-size changes, case by case.</summary>
public class BatchSizeRulesTests
{
    private static int? Ask(string type, AdaptationMode mode, int current, int epochsBegun, int gpus = 1) =>
        BatchSizeRules.Request(JobType.Parse(type), mode, gpus, current, epochsBegun);

    [Fact]
    public void AccordionScalesUpOutsideCriticalRegimesAndBackInsideThem()
    {
        const string rn = "ResNet-18 (batch size 32)";
        Assert.Null(Ask(rn, AdaptationMode.Accordion, 32, 9)); // epochs 0–9 are critical
        Assert.Equal(256, Ask(rn, AdaptationMode.Accordion, 32, 10)); // no "first 30% of epochs" rule here
        Assert.Null(Ask(rn, AdaptationMode.Accordion, 256, 149));
        Assert.Equal(32, Ask(rn, AdaptationMode.Accordion, 256, 150)); // back to the initial size in 150–159
        Assert.Null(Ask("ResNet-50 (batch size 64)", AdaptationMode.Accordion, 64, 39)); // epoch mod 30 < 10
        Assert.Equal(128, Ask("ResNet-50 (batch size 64)", AdaptationMode.Accordion, 64, 40));
        Assert.Null(Ask("Transformer (batch size 32)", AdaptationMode.Accordion, 32, 100));
    }

    [Fact]
    public void RecommendationHasOnlyItsInitialCriticalRegimeInTheSimulator()
    {
        const string rec = "Recommendation (batch size 2048)";
        Assert.Null(Ask(rec, AdaptationMode.Accordion, 2048, 39)); // bs 2048: epochs 0–39
        Assert.Equal(8192, Ask(rec, AdaptationMode.Accordion, 2048, 40));
        // The profile keeps 60–69 and 80–89 critical; the simulator does not.
        Assert.Null(Ask(rec, AdaptationMode.Accordion, 8192, 65));
        Assert.Equal(8192, Ask("Recommendation (batch size 512)", AdaptationMode.Accordion, 512, 65));
        Assert.Null(Ask("Recommendation (batch size 512)", AdaptationMode.Accordion, 512, 29));
    }

    [Fact]
    public void GnsDoublesOneStepAtATimeLookingOneEpochAhead()
    {
        // ResNet-18 bs 32 on 1 GPU: ×2 from epoch 21, ×4 from 31, ×8 from 51.
        const string rn = "ResNet-18 (batch size 32)";
        Assert.Null(Ask(rn, AdaptationMode.Gns, 32, 19));
        Assert.Equal(64, Ask(rn, AdaptationMode.Gns, 32, 20)); // the next epoch, 21, is at 64
        Assert.Equal(64, Ask(rn, AdaptationMode.Gns, 32, 40)); // behind the table (128): one doubling at a time
        Assert.Equal(128, Ask(rn, AdaptationMode.Gns, 64, 40));
        Assert.Null(Ask(rn, AdaptationMode.Gns, 128, 40));
        Assert.Equal(256, Ask(rn, AdaptationMode.Gns, 128, 50));
        Assert.Null(Ask(rn, AdaptationMode.Gns, 256, 500)); // capped at the model's largest batch size
    }

    [Fact]
    public void AJobStartingAtItsModelsLargestBatchSizeNeverChanges()
    {
        Assert.Null(Ask("LM (batch size 80)", AdaptationMode.Accordion, 80, 50));
        Assert.Null(Ask("Recommendation (batch size 8192)", AdaptationMode.Gns, 8192, 500));
        Assert.Null(Ask("ResNet-18 (batch size 32)", AdaptationMode.Static, 32, 500));
    }
}
