namespace Frugal.Tuning.Loop;

/// <summary>
/// What makes two runs the same run: the target, the space (by content), the method with its settings and the seed. A
/// history may only be resumed by a run with the same identity, otherwise the replayed trials would mean something
/// else.
/// </summary>
public sealed record RunIdentity(string Target, string Space, string SpaceFingerprint, string Method, string Seed,
    string Objective, bool Maximize)
{
    /// <summary>
    /// The first field that differs from <paramref name="other"/>, described for an error message, or null.
    /// </summary>
    internal string? FirstDifference(RunIdentity other)
    {
        if (SystemDifference(other.Target, other.Space, other.SpaceFingerprint) is { } difference) return difference;
        if (Method != other.Method) return $"method {Method}, not {other.Method}";
        if (Seed != other.Seed) return $"seed {Seed}, not {other.Seed}";
        if (Objective != other.Objective || Maximize != other.Maximize)
            return $"objective {Objective}, not {other.Objective}";
        return null;
    }

    /// <summary>
    /// Whether the run tuned <paramref name="target"/> over the space <paramref name="space"/> with
    /// <paramref name="fingerprint"/> (by whatever method): the difference described, or null.
    /// </summary>
    internal string? SystemDifference(string target, string space, string fingerprint)
    {
        if (Target != target) return $"target '{Target}', not '{target}'";
        if (Space == space && SpaceFingerprint == fingerprint) return null;
        var difference = $"space '{Space}' ({SpaceFingerprint}), not '{space}' ({fingerprint})";
        // Same name, other content: an edited file, or ranges that follow the host, the likelier surprise.
        return Space != space ? difference : difference + ": the same space gives other ranges where its knobs " +
            "follow the host's memory or cores, which differ between machines and even between boots of one " +
            "virtual machine (give the host it was made on), or its file changed";
    }
}
