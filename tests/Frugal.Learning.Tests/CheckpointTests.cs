using Frugal.Core.Errors;
using Frugal.Learning.Training;
using static TorchSharp.torch;
using HeldScalars = Frugal.Learning.Training.HeldScalars;

namespace Frugal.Learning.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("frugal-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public void ResumingFromACheckpointContinuesExactlyWhereTrainingStopped()
    {
        // Uninterrupted: two epochs. Resumed: one epoch, checkpoint, a fresh model and optimiser loaded from
        // it, one more epoch. Adam's moments must come back too, or the second epoch would differ.
        string uninterrupted;
        using (var problem = new TinyProblem(seed: 5))
        {
            problem.Train(epochs: 1);
            Checkpoint.Save(PathOf("after-1.ckpt"), problem.Model, problem.Optimizer, epoch: 1);
            problem.Trainer().Fit(new TrainingOptions { Epochs = 2, FirstEpoch = 2 }, problem.Batches);
            uninterrupted = TinyProblem.ParameterHash(problem.Model);
        }
        using (var problem = new TinyProblem(seed: 5))
        {
            problem.Train(epochs: 1); // keeps the shuffle generator in step with the first run
            using var model = TinyProblem.NewModel();
            using var optimizer = optim.Adam(model.parameters(), 0.05);

            var epoch = Checkpoint.Load(PathOf("after-1.ckpt"), model, optimizer);

            Assert.Equal(1, epoch);
            new Trainer<(Tensor X, Tensor Y)>(model, optimizer,
                    b => nn.functional.binary_cross_entropy_with_logits(model.call(b.X), b.Y))
                .Fit(new TrainingOptions { Epochs = 2, FirstEpoch = epoch + 1 }, problem.Batches);
            Assert.Equal(uninterrupted, TinyProblem.ParameterHash(model));
        }
    }

    [Fact]
    public void TheTrainerSavesACheckpointAfterEachEpoch()
    {
        using var problem = new TinyProblem(seed: 5);
        var path = PathOf("run.ckpt");
        problem.Trainer().Fit(new TrainingOptions { Epochs = 2, CheckpointPath = path }, problem.Batches);

        using var model = TinyProblem.NewModel();
        using var optimizer = optim.Adam(model.parameters(), 0.05);
        Assert.Equal(2, Checkpoint.Load(path, model, optimizer));
        Assert.Equal(TinyProblem.ParameterHash(problem.Model), TinyProblem.ParameterHash(model));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void ACheckpointOfAnotherModelIsRefusedAndNothingChanges()
    {
        using var problem = new TinyProblem(seed: 5);
        var path = PathOf("wide.ckpt");
        Checkpoint.Save(path, problem.Model, problem.Optimizer, epoch: 1);
        using var narrow = TinyProblem.NewModel(hidden: 4);
        using var optimizer = optim.Adam(narrow.parameters(), 0.05);
        var before = TinyProblem.ParameterHash(narrow);

        var error = Assert.Throws<BadInputException>(() => Checkpoint.Load(path, narrow, optimizer));

        Assert.Equal($"checkpoint '{path}': is for another model: "
            + "'0.weight' is Float32 [8, 4] in the file but Float32 [4, 4] in the model", error.Message);
        Assert.Equal(before, TinyProblem.ParameterHash(narrow));
    }

    [Fact]
    public void ACheckpointWithAnotherOptimiserIsRefused()
    {
        using var problem = new TinyProblem(seed: 5);
        var path = PathOf("adam.ckpt");
        Checkpoint.Save(path, problem.Model, problem.Optimizer, epoch: 1);
        using var model = TinyProblem.NewModel();
        using var sgd = optim.SGD(model.parameters(), learningRate: 0.1);

        var error = Assert.Throws<BadInputException>(() => Checkpoint.Load(path, model, sgd));
        Assert.Equal($"checkpoint '{path}': holds Adam optimiser state, but the optimiser is SGD", error.Message);
    }

    [Fact]
    public void TheHeldScalarAdamReadsAndWritesTorchSharpsAdamCheckpoints()
    {
        using var problem = new TinyProblem(seed: 5);
        problem.Train(epochs: 1);
        var path = PathOf("adam.ckpt");
        Checkpoint.Save(path, problem.Model, problem.Optimizer, epoch: 1);
        using var model = TinyProblem.NewModel();
        using var held = new HeldScalars.Adam(model.parameters(), 0.05);

        Assert.Equal(1, Checkpoint.Load(path, model, held));
        Checkpoint.Save(PathOf("held.ckpt"), model, held, epoch: 1);
        using var again = TinyProblem.NewModel();
        using var adam = optim.Adam(again.parameters(), 0.05);
        Assert.Equal(1, Checkpoint.Load(PathOf("held.ckpt"), again, adam));
        Assert.Equal(TinyProblem.ParameterHash(problem.Model), TinyProblem.ParameterHash(again));
    }

    [Fact]
    public void ADamagedCheckpointIsCorruptAndNothingChanges()
    {
        using var problem = new TinyProblem(seed: 5);
        var path = PathOf("damaged.ckpt");
        Checkpoint.Save(path, problem.Model, problem.Optimizer, epoch: 1);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        using var model = TinyProblem.NewModel();
        using var optimizer = optim.Adam(model.parameters(), 0.05);
        var before = TinyProblem.ParameterHash(model);

        var error = Assert.Throws<CorruptDataException>(() => Checkpoint.Load(path, model, optimizer));
        Assert.Contains("checksum mismatch", error.Message);
        Assert.Equal(before, TinyProblem.ParameterHash(model));

        File.WriteAllBytes(path, bytes[..20]);
        Assert.Throws<CorruptDataException>(() => Checkpoint.Load(path, model, optimizer));
    }

    [Fact]
    public void AMissingFileOrAnotherKindOfFileIsBadInput()
    {
        using var model = TinyProblem.NewModel();
        using var optimizer = optim.Adam(model.parameters(), 0.05);
        var missing = PathOf("missing.ckpt");
        Assert.Equal($"checkpoint '{missing}': no such file",
            Assert.Throws<BadInputException>(() => Checkpoint.Load(missing, model, optimizer)).Message);

        var text = PathOf("notes.txt");
        File.WriteAllText(text, "hello, not a checkpoint");
        Assert.Equal($"checkpoint '{text}': not a Frugal checkpoint",
            Assert.Throws<BadInputException>(() => Checkpoint.Load(text, model, optimizer)).Message);
    }
}
