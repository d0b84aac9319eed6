namespace Its.Model;

/// <summary>
/// The transfer functions of Box and Tiao (1975) with rate delta, at k = t - T periods after an
/// interruption at T (0 before it), per unit of omega: the gradual step
/// (1 - delta^(k+1)) / (1 - delta) = 1 + delta + ... + delta^k, the response of omega / (1 - delta B)
/// to a step, which rises to omega / (1 - delta); and the decaying pulse delta^k, its response to a
/// pulse. Delta = 0 gives the step and the pulse.
/// </summary>
public static class TransferFunction
{
    /// <summary>The impact per unit of omega, k periods after the interruption (0 for k &lt; 0).</summary>
    /// <param name="impact"><see cref="Impact.Gradual"/> or <see cref="Impact.Decay"/>.</param>
    /// <param name="rate">Delta, in [0, 1).</param>
    /// <param name="k">Periods after the interruption.</param>
    public static double Value(Impact impact, double rate, int k)
    {
        if (k < 0) return 0;
        if (impact == Impact.Decay) return Math.Pow(rate, k);
        double sum = 0, power = 1;
        for (int i = 0; i <= k; i++, power *= rate) sum += power;
        return sum;
    }

    /// <summary>The derivative of <see cref="Value"/> in delta.</summary>
    /// <param name="impact"><see cref="Impact.Gradual"/> or <see cref="Impact.Decay"/>.</param>
    /// <param name="rate">Delta, in [0, 1).</param>
    /// <param name="k">Periods after the interruption.</param>
    public static double RateDerivative(Impact impact, double rate, int k)
    {
        if (k < 1) return 0;
        if (impact == Impact.Decay) return k * Math.Pow(rate, k - 1);
        double sum = 0, power = 1;
        for (int i = 1; i <= k; i++, power *= rate) sum += i * power;
        return sum;
    }

    /// <summary>The long-run change omega / (1 - delta): the level a gradual step reaches, or the sum of a decaying pulse.</summary>
    public static double LongRun(double omega, double rate) => omega / (1 - rate);
}
