using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Frugal.Learning.Training.HeldScalars;

// TorchSharp's Adam and Adagrad steps pass implicit Scalars (beta1, eps, the step size, and a hidden alpha of 1 in
// add_(eps)) straight into native calls. Once a Scalar's handle is loaded the garbage collector may treat it as
// unreachable, so its finalizer can free it while libtorch still reads it: under frequent collections (a small gen0,
// other threads allocating) a step then fails in libtorch ("toFloat") or reads garbage. These subclasses compute the
// same update, operation for operation and with the same values, so results stay bit-identical, but hold every
// Scalar in a using until its call has returned. They keep their bases' names because TorchSharp's saved optimiser
// state names its type: checkpoints written with either load into the other.

/// <summary>TorchSharp's Adam (no AMSGrad, minimising) with every scalar operand held across its native call.</summary>
public sealed class Adam(IEnumerable<Parameter> parameters, double learningRate, double weightDecay = 0)
    : TorchSharp.Modules.Adam(parameters, learningRate, weight_decay: weightDecay)
{
    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var (beta1, beta2, eps) = (options.beta1!.Value, options.beta2!.Value, options.eps!.Value);
        var (decay, rate) = (options.weight_decay!.Value, options.LearningRate!.Value);
        using var one = 1.ToScalar();
        using var keep1 = beta1.ToScalar();
        using var keep2 = beta2.ToScalar();
        using var take1 = (1 - beta1).ToScalar();
        using var take2 = (1 - beta2).ToScalar();
        using var epsilon = eps.ToScalar();
        using var decayScalar = decay.ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            var correction1 = 1 - Math.Pow(beta1, state.step);
            var correction2 = 1 - Math.Pow(beta2, state.step);
            if (decay != 0) grad = grad.add(param, alpha: decayScalar);
            state.exp_avg.mul_(keep1).add_(grad, alpha: take1);
            state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad.conj(), value: take2);
            using var root = Math.Sqrt(correction2).ToScalar();
            var denominator = (state.exp_avg_sq.sqrt() / root).add_(epsilon, one);
            using var stepSize = (-(rate / correction1)).ToScalar();
            param.addcdiv_(state.exp_avg, denominator, value: stepSize);
        }
    }, closure);
}

/// <summary>TorchSharp's Adagrad (dense gradients) with every scalar operand held across its native call.</summary>
public sealed class Adagrad(IEnumerable<Parameter> parameters, double learningRate)
    : TorchSharp.Modules.Adagrad(parameters, learningRate)
{
    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var (decay, eps, rate) = (options.weight_decay!.Value, options.eps!.Value, options.LearningRate!.Value);
        var rateDecay = options.lr_decay!.Value;
        using var one = 1.ToScalar();
        using var epsilon = eps.ToScalar();
        using var decayScalar = decay.ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            if (decay != 0) grad = grad.add(param, alpha: decayScalar);
            using var stepSize = (-(rate / (1 + (state.step - 1) * rateDecay))).ToScalar();
            state.sum.addcmul_(grad, grad, value: one);
            var std = state.sum.sqrt().add_(epsilon, one);
            param.addcdiv_(grad, std, value: stepSize);
        }
    }, closure);
}
