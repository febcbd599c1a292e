using System.ComponentModel;
using System.Text.Json;
using Frugal.Cli.Rendering;
using Frugal.Core.Results;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Slurm;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Provision;

/// <summary><c>frugal provision watch</c>: decides, on a real Slurm cluster, when to submit a running job's successor.</summary>
public sealed class WatchCommand(IAnsiConsole console) : Command<WatchCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--job <ID>")]
        [Description("The running (or pending) predecessor's Slurm job id (required).")]
        public string? Job { get; init; }

        [CommandOption("--method <NAME>")]
        [Description("reactive (default), dependency, avg-wait, forest, gbt or pg.")]
        [DefaultValue("reactive")]
        public string Method { get; init; } = "reactive";

        [CommandOption("--model <FILE>")]
        [Description("forest/gbt/pg: the model saved by provision train.")]
        public string? Model { get; init; }

        [CommandOption("--wrap <COMMAND>")]
        [Description("The successor's command, submitted as sbatch --wrap (required).")]
        public string? Wrap { get; init; }

        [CommandOption("--name <NAME>")]
        [Description("The successor's job name (default: the predecessor's).")]
        public string? Name { get; init; }

        [CommandOption("--interval <SECONDS>")]
        [Description("Seconds between decisions (default 600, as in Mirage).")]
        [DefaultValue(600.0)]
        public double Interval { get; init; } = 600;

        [CommandOption("--lead <SECONDS>")]
        [Description("Submit at the latest this long before the predecessor's limit runs out (default 60).")]
        [DefaultValue(60.0)]
        public double Lead { get; init; } = 60;

        public override ValidationResult Validate()
        {
            var global = base.Validate();
            if (!global.Successful) return global;
            if (string.IsNullOrEmpty(Job)) return ValidationResult.Error("--job: name the predecessor's job id.");
            if (string.IsNullOrEmpty(Wrap)) return ValidationResult.Error("--wrap: give the successor's command.");
            if (!(Interval > 0)) return ValidationResult.Error($"--interval: {Interval} must be a positive number of seconds.");
            if (!(Lead >= 0)) return ValidationResult.Error($"--lead: {Lead} must be at least 0.");
            if (MethodCatalog.IsLearned(Method) && string.IsNullOrEmpty(Model)) return ValidationResult.Error($"--model: method '{Method}' needs its trained model.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var method = InputErrors.AsUsage(() => settings.Method == MethodCatalog.PolicyGradient
            ? MethodCatalog.Create(settings.Method, policy: PolicyModel.Load(settings.Model!))
            : MethodCatalog.Create(settings.Method, MethodCatalog.IsLearned(settings.Method) ? ValueModel.Load(settings.Model!) : null));
        var slurm = new SlurmCommands();
        var predecessor = slurm.Queue().FirstOrDefault(j => j.Id == settings.Job)
                          ?? throw new UsageException($"--job: job {settings.Job} is not in the Slurm queue.");
        var request = new SubmitRequest(settings.Name ?? predecessor.Name, predecessor.Nodes, predecessor.LimitSeconds / 60, settings.Wrap!);
        var watcher = new ChainWatcher(slurm, method, new WatchOptions { Interval = TimeSpan.FromSeconds(settings.Interval), Lead = TimeSpan.FromSeconds(settings.Lead) });
        if (!settings.JsonOnConsole) console.MarkupLine(Markup.Escape($"watching job {predecessor.Id} ({predecessor.State}) with {method.Name}; deciding every {settings.Interval} s"));
        var successor = watcher.Watch(predecessor.Id, request, cancellation);
        if (!settings.JsonOnConsole) console.MarkupLine(Markup.Escape($"submitted successor {successor}"));
        JsonOutput.Emit(console, settings, JsonSerializer.Serialize(new { method = method.Name, predecessor = predecessor.Id, successor }, ResultJson.Options));
        return ExitCodes.Success;
    }
}
