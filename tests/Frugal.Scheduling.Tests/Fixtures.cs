using Frugal.Core.IO;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Tests;

internal static class Fixtures
{
    public const string CanonicalTrace = ScheduleInputs.CanonicalTrace;

    /// <summary>The folder of Shockwave's real trace and throughputs (the repository's data/shockwave).</summary>
    public static string ShockwaveData() => ReferenceData.Require("shockwave");

    /// <summary>A throughput table with the given isolated steps/s on v100 for (job type, GPUs).</summary>
    public static ThroughputTable Throughputs(params (string JobType, int Gpus, double StepsPerSecond)[] entries)
    {
        var rows =
            entries.Select(e =>
            $"\"('{e.JobType}', {e.Gpus})\": {{\"null\": " +
            $"{e.StepsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}");
        return ThroughputTable.Parse("{\"v100\": {" + string.Join(",", rows) + "}}", "test");
    }

    public static JobSpec Job(int id, string type, double steps, double arrival, int gpus = 1, AdaptationMode mode =
        AdaptationMode.Static)
    {
        var jobType = JobType.Parse(type);
        return new JobSpec(id, jobType, "cmd", "wd", "--steps", true, steps, gpus, mode, 1, -1, 1, arrival);
    }

    /// <summary>Runs every job that fits, in arrival order: the simplest work-conserving scheduler.</summary>
    public sealed class ArrivalOrder : IRoundScheduler
    {
        public string Name => "arrival-order";
        public IReadOnlyDictionary<string, double> Statistics { get; } = new Dictionary<string, double>();

        public IReadOnlyList<Placement> Plan(RoundState state)
        {
            var free = state.Cluster.Gpus.ToDictionary();
            var placements = new List<Placement>();
            foreach (var job in state.Jobs)
            {
                var worker =
                    free.Keys.FirstOrDefault(w => free[w] >= job.View.ScaleFactor && job.View.ThroughputOn(w) > 0);
                if (worker is null) continue;
                free[worker] -= job.View.ScaleFactor;
                placements.Add(new Placement(job.View.Id, worker));
            }
            return placements;
        }
    }
}
