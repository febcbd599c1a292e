namespace Frugal.Cli.Tests;

/// <summary>Link prediction's recipe options of <c>frugal graph train</c>: they reach training, and an out-of-range
/// value is a usage error that names its flag.</summary>
public sealed class GraphRecipeOptionTests
{
    [Fact]
    public void RecipeOptionsTrainAndAnOutOfRangeDropoutNamesItsFlag()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"graph-recipe-{Guid.NewGuid():N}");
        try
        {
            var graph = Path.Combine(folder, "g");
            var (code, _, errors) = CliRunner.Run("graph", "preprocess", "--format", "synthetic-lp", "--nodes", "200",
                "--edges", "1500", "--partitions", "2", "--out", graph);
            Assert.True(code == 0, errors);
            string[] train = ["graph", "train", "--graph", graph, "--epochs", "1", "--dimension", "8", "--batch-size",
                "200", "--one-vs-all", "--relation-optimizer", "adam", "--init-std", "0.1", "--relation-dropout", "0.1",
                "--regularizer", "l2", "--regularization-weight", "1e-3"];
            var (ok, output, trainErrors) = CliRunner.Run([.. train, "--embedding-dropout", "0.2"]);
            Assert.True(ok == 0, trainErrors);
            Assert.Contains("test mrr", output);
            var (bad, _, badErrors) = CliRunner.Run([.. train, "--embedding-dropout", "1"]);
            Assert.Equal(2, bad);
            CliRunner.AssertOneLineError(badErrors, "--embedding-dropout");
            var (unknown, _, unknownErrors) = CliRunner.Run([.. train, "--relation-optimizer", "sgd"]);
            Assert.Equal(2, unknown);
            CliRunner.AssertOneLineError(unknownErrors, "sgd");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
