using Frugal.Core.Errors;

namespace Frugal.Scheduling.Policies;

/// <summary>A policy name that the <see cref="PolicyCatalog"/> does not know.</summary>
public sealed class UnknownPolicyException(string name, IEnumerable<string> known)
    : BadInputException($"unknown policy '{name}'; known: {string.Join(", ", known)}")
{
    public string PolicyName { get; } = name;
}
