using Frugal.Scheduling.Policies;

namespace Frugal.Scheduling.Tests;

public class AllocationTests
{
    [Fact]
    public void UnsetFractionsAreZeroAndTotalsSumPerJob()
    {
        var x = new Allocation();
        Assert.Equal(0, x[1, "v100"]);
        x[1, "v100"] = 0.25;
        x[1, "k80"] = 0.5;
        Assert.Equal(0.75, x.TotalFor(1));
        Assert.Equal([1], x.Jobs);
        Assert.Throws<ArgumentOutOfRangeException>(() => x[2, "v100"] = -0.1);
    }

    [Fact]
    public void OrToolsGlopSolvesOnThisPlatform()
    {
        // The LP policies rest on OR-Tools' native library: fail loudly here if it cannot load.
        using var solver = Google.OrTools.LinearSolver.Solver.CreateSolver("GLOP");
        var x = solver.MakeNumVar(0, 1, "x");
        var y = solver.MakeNumVar(0, 1, "y");
        solver.Add(x + y <= 1.5);
        solver.Maximize(x + 2 * y);
        Assert.Equal(Google.OrTools.LinearSolver.Solver.ResultStatus.OPTIMAL, solver.Solve());
        Assert.Equal(2.5, solver.Objective().Value(), 6);
    }
}
