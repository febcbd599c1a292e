using System.ComponentModel;
using System.Globalization;
using Frugal.Cli.Rendering;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Slurm;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Provision;

/// <summary><c>frugal provision watch</c>: decides, on a real Slurm cluster, when to submit a running job's
/// successor.</summary>
internal sealed class WatchCommand(IAnsiConsole console) : SettingCommand<WatchCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        /// <summary>The longest time between decisions: a day.</summary>
        private const double MaxIntervalSeconds = 86400;

        /// <summary>The longest lead: a year, more than any job's limit.</summary>
        private const double MaxLeadSeconds = 365 * 86400;

        [CommandOption("--job <ID>")]
        [Description("The running (or pending) predecessor's Slurm job id, a whole number (required).")]
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
        [Description("Seconds between decisions, from 1 to 86400 (default 600, as in Mirage).")]
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
            if (!long.TryParse(Job, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                return ValidationResult.Error($"--job: '{Job}' is not a Slurm job id (a whole number).");
            if (string.IsNullOrEmpty(Wrap)) return ValidationResult.Error("--wrap: give the successor's command.");
            if (ProvisionSettings.OutOfRange("interval", Interval, 1, MaxIntervalSeconds, " seconds") is { } interval)
                return interval;
            if (ProvisionSettings.OutOfRange("lead", Lead, 0, MaxLeadSeconds, " seconds") is { } lead) return lead;
            // An unknown method is reported, with the known ones, when the command looks it up.
            if (MethodCatalog.Contains(Method) && MethodCatalog.IsLearned(Method) && string.IsNullOrEmpty(Model))
                return ValidationResult.Error($"--model: method '{Method}' needs its trained model.");
            return ValidationResult.Success();
        }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var method = MethodCatalog.Canonical(settings.Method);
        var models = MethodCatalog.IsLearned(method) ? TrainedModels.Load(method, settings.Model!) : TrainedModels.None;
        var provisioning = MethodCatalog.Create(method, models);
        var slurm = new SlurmCommands();
        var predecessor = slurm.Find(settings.Job!);
        var watcher = new ChainWatcher(slurm, provisioning,
            new WatchOptions
            {
                Interval = TimeSpan.FromSeconds(settings.Interval), Lead = TimeSpan.FromSeconds(settings.Lead),
            });
        if (!settings.JsonOnConsole)
            console.MarkupLine(Markup.Escape($"watching job {predecessor.Id} ({predecessor.State}) with {method}; " +
                                             $"deciding every {settings.Interval} s"));
        var successor = SubmitRequest.SuccessorOf(predecessor, settings.Wrap!, settings.Name);
        var result = watcher.Watch(predecessor.Id, successor, cancellation);
        if (!settings.JsonOnConsole) console.MarkupLine(Markup.Escape($"submitted successor {result.Successor}"));
        JsonOutput.Emit(console, settings, result.ToJson());
        return ExitCodes.Success;
    }
}
