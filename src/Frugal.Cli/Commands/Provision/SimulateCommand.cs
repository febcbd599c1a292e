using Frugal.Cli.Rendering;
using Frugal.Provisioning.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Provision;

/// <summary><c>frugal provision simulate</c>: replays a trace in the queue simulator and compares simulated with real
/// waits.</summary>
internal sealed class SimulateCommand(IAnsiConsole console) : SettingCommand<ProvisionSettings>
{
    protected override int Run(ProvisionSettings settings, CancellationToken cancellation)
    {
        var pools = settings.NodePools();
        var trace = settings.LoadTrace(console, cancellation);
        var validation = ProvisionView.WithProgress(console, settings,
            $"replaying {trace.Jobs.Count} jobs of {trace.Source}",
            progress => ReplayValidation.Run(trace, pools, settings.Scheduler(), progress, cancellation));
        if (!settings.JsonOnConsole) ProvisionView.Validation(console, validation);
        JsonOutput.Emit(console, settings, validation.ToJson());
        return ExitCodes.Success;
    }
}
