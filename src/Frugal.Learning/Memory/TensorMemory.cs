using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Learning.Memory;

/// <summary>Bytes of tensor storage held by a model and its optimiser, by kind.</summary>
/// <param name="Parameters">The module's parameters (weights, biases, embedding tables).</param>
/// <param name="Gradients">The gradients currently attached to those parameters.</param>
/// <param name="Buffers">The module's buffers (running statistics and the like).</param>
/// <param name="OptimizerState">The optimiser's per-parameter state (momentum, Adam's moments, ...).</param>
public sealed record TensorBytes(long Parameters, long Gradients, long Buffers, long OptimizerState)
{
    /// <summary>All of it.</summary>
    public long Total => Parameters + Gradients + Buffers + OptimizerState;
}

/// <summary>
/// Counts the bytes a model's tensors hold, for the components that keep a memory budget (the
/// out-of-core graph trainer, the embedding cache). It counts element storage (elements × element
/// size; for a sparse tensor, its indices and values), not libtorch's
/// allocator overhead or the activations of a step in flight. Tensors that share storage (tied weights,
/// views) are counted once per tensor.
/// </summary>
public static class TensorMemory
{
    /// <summary>The bytes held by <paramref name="module"/>'s parameters, gradients and buffers, and by
    /// <paramref name="optimizer"/>'s state where one is given.</summary>
    public static TensorBytes Of(nn.Module module, optim.Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var parameters = module.parameters().ToList();
        return new TensorBytes(
            parameters.Sum(Bytes),
            parameters.Sum(GradientBytes),
            module.buffers().Sum(Bytes),
            optimizer is null ? 0 : StateTensors(optimizer).Sum(Bytes));
    }

    /// <summary>The bytes of one tensor's elements (a sparse tensor's indices and values).</summary>
    public static long Bytes(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.is_sparse) return tensor.numel() * tensor.ElementSize;
        using var indices = tensor.SparseIndices;
        using var values = tensor.SparseValues;
        return Bytes(indices) + Bytes(values);
    }

    private static long GradientBytes(Parameter parameter)
    {
        // Each read of grad wraps the gradient anew; the wrapper is released, the gradient stays.
        using var gradient = parameter.grad;
        return gradient is null ? 0 : Bytes(gradient);
    }

    /// <summary>
    /// The tensors of an optimiser's per-parameter state. TorchSharp keeps them in public fields of
    /// each optimiser's State class (SGD's momentum_buffer, Adam's exp_avg and exp_avg_sq, ...), with
    /// no common accessor, so they are found by type.
    /// </summary>
    private static IEnumerable<Tensor> StateTensors(optim.Optimizer optimizer)
    {
        if (optimizer is not OptimizerHelper helper) yield break;
        foreach (var state in helper.state_dict().State)
        {
            foreach (var field in state.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                if (field.FieldType == typeof(Tensor) && field.GetValue(state) is Tensor tensor) yield return tensor;
            }
        }
    }
}
