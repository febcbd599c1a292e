using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Frugal.Core.IO;
using Frugal.Core.Results;
using Frugal.Recsys.Cluster;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Recsys;

/// <summary><c>frugal recsys server</c>: the embedding server, serving one run.</summary>
internal sealed class RecsysServerCommand : SettingCommand<RecsysServerCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandOption("--port <PORT>")]
        [Description("Port to listen on (all interfaces).")]
        public int Port { get; init; }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        NodeListener.Serve(settings.Port, listener =>
            new EmbeddingServer(listener, StoreChoice.Of(settings), TimeSpan.FromMinutes(10))
                .RunAsync(cancellation).GetAwaiter().GetResult());
        return ExitCodes.Success;
    }
}

/// <summary><c>frugal recsys oracle</c>: the oracle cacher; writes the run's report as JSON.</summary>
internal sealed class RecsysOracleCommand : SettingCommand<RecsysOracleCommand.Settings>
{
    public sealed class Settings : RecsysRunSettings
    {
        [CommandOption("--port <PORT>")]
        [Description("Port the trainers connect to.")]
        public int Port { get; init; }

        [CommandOption("--server <HOST:PORT>")]
        [Description("The embedding server.")]
        public string Server { get; init; } = "127.0.0.1:7000";

        [CommandOption("--report <FILE>")]
        [Description("Where to write the run's report (JSON, written atomically).")]
        public string? Report { get; init; }
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var config = settings.ToConfig();
        var report = NodeListener.Serve(settings.Port, listener =>
            new OracleNode(config, listener, settings.Server, settings.Checkpoint).RunAsync(cancellation)
                .GetAwaiter()
                .GetResult());
        if (settings.Report is { } path)
            AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, ResultJson.Options));
        return ExitCodes.Success;
    }
}

/// <summary><c>frugal recsys trainer</c>: one trainer; it learns the run from the oracle.</summary>
internal sealed class RecsysTrainerCommand : SettingCommand<RecsysTrainerCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--rank <K>")]
        [Description("This trainer's rank, 0 to N-1.")]
        public int Rank { get; init; }

        [CommandOption("--peers <LIST>")]
        [Description("Every trainer's ring address host:port, by rank, comma-separated.")]
        public string Peers { get; init; } = "";

        [CommandOption("--oracle <HOST:PORT>")]
        [Description("The oracle.")]
        public string Oracle { get; init; } = "127.0.0.1:7001";

        [CommandOption("--server <HOST:PORT>")]
        [Description("The embedding server.")]
        public string Server { get; init; } = "127.0.0.1:7000";

        [CommandOption("--connect-timeout <SECONDS>")]
        [Description("How long to keep trying to reach the oracle (default 30).")]
        [DefaultValue(30.0)]
        public double ConnectTimeout { get; init; } = 30;

        public override ValidationResult Validate()
        {
            var peers = Peers.Split(',', StringSplitOptions.RemoveEmptyEntries);
            return Rank >= 0 && Rank < Math.Max(1, peers.Length) ? base.Validate()
                : ValidationResult.Error($"--rank: {Rank} is not the rank of one of the {peers.Length} peers");
        }

        public override string? OptionFor(string setting) => setting == "address" ? "--peers" : base.OptionFor(setting);
    }

    protected override int Run(Settings settings, CancellationToken cancellation)
    {
        var peers = settings.Peers.Split(',', StringSplitOptions.RemoveEmptyEntries);
        TcpListener? ring = null;
        if (peers.Length > 1)
        {
            ring = new TcpListener(IPAddress.Any, FrameAddress.Port(peers[settings.Rank]));
            ring.Start();
        }
        try
        {
            new TrainerNode(new TrainerAddresses(settings.Rank, settings.Oracle, settings.Server, peers), ring,
                TimeSpan.FromSeconds(settings.ConnectTimeout)).RunAsync(cancellation).GetAwaiter().GetResult();
        }
        finally
        {
            ring?.Stop();
        }
        return ExitCodes.Success;
    }
}

/// <summary>A node's listening socket, held for exactly the node's run.</summary>
internal static class NodeListener
{
    /// <summary>
    /// Listens on <paramref name="port"/> (all interfaces), runs <paramref name="node"/>, stops listening.
    /// </summary>
    public static T Serve<T>(int port, Func<TcpListener, T> node)
    {
        var listener = new TcpListener(IPAddress.Any, port);
        listener.Start();
        try
        {
            return node(listener);
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <inheritdoc cref="Serve{T}"/>
    public static void Serve(int port, Action<TcpListener> node) => Serve(port, listener =>
    {
        node(listener);
        return true;
    });
}

/// <summary>The port of a host:port.</summary>
internal static class FrameAddress
{
    public static int Port(string endpoint) =>
        int.TryParse(endpoint[(endpoint.LastIndexOf(':') + 1)..], out var port) && port is > 0 and < 65536
            ? port
            : throw new Core.Errors.BadInputException($"'{endpoint}' is not host:port", "address");
}
