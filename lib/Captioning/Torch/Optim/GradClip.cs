namespace Captioning.Torch.Optim;

/// <summary>Gradient clipping (torch.nn.utils.clip_grad_norm_).</summary>
public static class GradClip
{
    /// <summary>Scales all gradients so their global norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2)
    {
        var handles = parameters.Select(p => p.Handle).ToArray();
        NativeMethods.Check(NativeMethods.cap_nn_clip_grad_norm(handles, handles.Length, maxNorm, normType, out var total));
        return total;
    }
}
