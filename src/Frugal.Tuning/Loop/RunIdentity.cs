namespace Frugal.Tuning.Loop;

/// <summary>
/// What makes two runs the same run: the target, the space (by content), the method with its settings and the seed. A
/// history may only be resumed by a run with the same identity, otherwise the replayed trials would mean something else.
/// </summary>
public sealed record RunIdentity(string Target, string Space, string SpaceFingerprint, string Method, string Seed, string Objective, bool Maximize)
{
    /// <summary>The first field that differs from <paramref name="other"/>, described for an error message, or null.</summary>
    public string? FirstDifference(RunIdentity other)
    {
        if (Target != other.Target) return $"target '{Target}', not '{other.Target}'";
        if (Space != other.Space || SpaceFingerprint != other.SpaceFingerprint) return $"space '{Space}' ({SpaceFingerprint}), not '{other.Space}' ({other.SpaceFingerprint})";
        if (Method != other.Method) return $"method {Method}, not {other.Method}";
        if (Seed != other.Seed) return $"seed {Seed}, not {other.Seed}";
        if (Objective != other.Objective || Maximize != other.Maximize) return $"objective {Objective}, not {other.Objective}";
        return null;
    }
}
