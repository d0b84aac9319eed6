using Its.Model;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Estimation;

/// <summary>
/// Sandwich covariances B Omega B, built from small pieces as in R <c>sandwich</c>: the model's
/// scores u_t and bread B (<see cref="IScoreModel"/>), a meat Omega, and scaling conventions.
/// </summary>
public static class Sandwich
{
    /// <summary>Heteroskedasticity-consistent covariance, as R <c>sandwich::vcovHC(fit, type)</c>.</summary>
    public static Matrix<double> HeteroskedasticityConsistent(IScoreModel fit, HcType type)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var h = fit.Leverage;
        var scale = Vector<double>.Build.Dense(fit.N, i => HeteroskedasticityWeight(type, fit.N, fit.K, h[i]));
        var u = fit.Scores;
        var meat = u.TransposeThisAndMultiply(u.MapIndexed((i, _, v) => v * scale[i]));
        return Wrap(fit, meat);
    }

    /// <summary>
    /// The weight of u_i u_i' in the HC meat (MacKinnon and White 1985): 1 (HC0), n/(n-k) (HC1),
    /// 1/(1-h_i) (HC2) or 1/(1-h_i)^2 (HC3), h_i the leverage of observation i.
    /// </summary>
    internal static double HeteroskedasticityWeight(HcType type, int n, int k, double leverage) => type switch
    {
        HcType.HC0 => 1,
        HcType.HC1 => (double)n / (n - k),
        HcType.HC2 => 1 / (1 - leverage),
        _ => 1 / ((1 - leverage) * (1 - leverage)),
    };

    /// <summary>
    /// Newey-West covariance, with Bartlett weights or another kernel's (<see cref="KernelWeights"/>). With prewhitening the scores are first filtered
    /// by a VAR(1) fitted by OLS and the meat recoloured by D = (I - A)^-1 (Andrews and Monahan 1992),
    /// as R <c>sandwich::meatHAC(prewhite = 1)</c>.
    /// </summary>
    /// <param name="fit">The fitted model.</param>
    /// <param name="options">Lag rule, prewhitening and df scaling.</param>
    /// <param name="lag">The truncation lag used.</param>
    /// <param name="blocks">
    /// Lengths of consecutive blocks of rows (the series of a stacked panel) within which the lags
    /// run, summing to n; null for one series. Blocks need a fixed lag and no prewhitening.
    /// </param>
    public static Matrix<double> NeweyWest(IScoreModel fit, NeweyWestCovariance options, out int lag, IReadOnlyList<int>? blocks = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(options);
        var scores = fit.Scores;
        if (blocks is not null && (options.Prewhiten || options.Lag is not FixedLag || blocks.Sum() != scores.RowCount))
            throw new ArgumentException("blocks need a fixed lag, no prewhitening, and lengths summing to n", nameof(blocks));
        lag = options.Lag switch
        {
            FixedLag f => f.Lag,
            _ => PlugInLag(NeweyWestBandwidth(scores, options.Prewhiten)),
        };
        Matrix<double>? recolour = null;
        var u = scores;
        if (options.Prewhiten) (u, recolour) = PrewhitenVar1(scores);
        Matrix<double> meat;
        if (blocks is null) meat = HacMeat(u, KernelWeights(options.Kernel, lag, u.RowCount - 1));
        else
        {
            meat = Matrix<double>.Build.Dense(u.ColumnCount, u.ColumnCount);
            int start = 0;
            foreach (int length in blocks)
            {
                meat += HacMeat(u.SubMatrix(start, length, 0, u.ColumnCount), KernelWeights(options.Kernel, lag, length - 1));
                start += length;
            }
        }
        if (options.SmallSampleAdjustment) meat *= (double)fit.N / (fit.N - fit.K);
        if (recolour is not null) meat = recolour * meat * recolour.Transpose();
        return Wrap(fit, meat);
    }

    /// <summary>
    /// HAC kernel weights w(j / b) for lags j = 0..maxLag with bandwidth b = L + 1, as R
    /// <c>sandwich::kweights</c> in <c>meatHAC</c>: the Bartlett and Parzen kernels end at lag L;
    /// the quadratic-spectral kernel weights every lag, its tail cut after the last weight above
    /// 1e-7 in size (<c>weightsAndrews</c>' tolerance). Bartlett gives Newey-West's
    /// w_j = 1 - j/(L+1) (R <c>NeweyWest</c>: seq(1, 0, by = -1/(L+1))).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The lag is negative.</exception>
    public static double[] KernelWeights(HacKernel kernel, int lag, int maxLag)
    {
        if (lag < 0) throw new ArgumentOutOfRangeException(nameof(lag), lag, "lag must be >= 0");
        int top = Math.Max(maxLag, 0);
        if (kernel == HacKernel.Bartlett) return Enumerable.Range(0, Math.Min(lag, top) + 1).Select(j => 1 - j / (lag + 1.0)).ToArray();
        if (kernel == HacKernel.Parzen)
            return Enumerable.Range(0, Math.Min(lag, top) + 1).Select(j => Parzen(j / (lag + 1.0))).ToArray();
        var weights = Enumerable.Range(0, top + 1).Select(j => QuadraticSpectral(j / (lag + 1.0))).ToArray();
        int last = Array.FindLastIndex(weights, w => Math.Abs(w) > 1e-7);
        return weights[..(last + 1)];
    }

    private static double Parzen(double x) => x <= 0.5 ? 1 - 6 * x * x + 6 * x * x * x : 2 * Math.Pow(1 - x, 3);

    private static double QuadraticSpectral(double x)
    {
        if (x == 0) return 1;
        double z = 6 * Math.PI * x / 5;
        return 25 / (12 * Math.PI * Math.PI * x * x) * (Math.Sin(z) / z - Math.Cos(z));
    }

    // floor(bandwidth), refused when the plug-in is undefined (scores with no long-run variance).
    private static int PlugInLag(double bandwidth) =>
        double.IsFinite(bandwidth)
            ? (int)Math.Min(Math.Floor(bandwidth), int.MaxValue - 1)
            : throw new ItsException("the Newey-West plug-in lag is undefined for these residuals; give a lag with newey:L");

    /// <summary>
    /// HAC meat sum_t u_t u_t' w_0 + sum_j w_j sum_t (u_t u_{t+j}' + u_{t+j} u_t'), not divided by n
    /// (R <c>meatHAC</c> before its division by n). Weights beyond n - 1 lags are ignored.
    /// </summary>
    public static Matrix<double> HacMeat(Matrix<double> scores, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int n = scores.RowCount;
        var meat = scores.TransposeThisAndMultiply(scores) * (0.5 * weights[0]);
        for (int j = 1; j < Math.Min(weights.Count, n); j++)
        {
            if (weights[j] == 0) continue;
            var lead = scores.SubMatrix(0, n - j, 0, scores.ColumnCount);
            var lagged = scores.SubMatrix(j, n - j, 0, scores.ColumnCount);
            meat += lead.TransposeThisAndMultiply(lagged) * weights[j];
        }
        return meat + meat.Transpose();
    }

    /// <summary>
    /// Newey and West (1994) plug-in bandwidth for the Bartlett kernel, as R
    /// <c>sandwich::bwNeweyWest</c>: 1.1447 (s1/s0)^(2/3) n^(1/3) with s_j from the autocovariances
    /// up to m = floor(c (n/100)^(2/9)) (c = 4, or 3 with prewhitening; Table II C) of the summed
    /// scores, the intercept's score weighted 0.
    /// </summary>
    public static double NeweyWestBandwidth(Matrix<double> scores, bool prewhiten)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int nOriginal = scores.RowCount;
        int m = (int)Math.Floor((prewhiten ? 3 : 4) * Math.Pow(nOriginal / 100.0, 2.0 / 9.0));
        var u = prewhiten ? PrewhitenVar1(scores).Residuals : scores;
        int n = u.RowCount;
        // Column 0 is the intercept; a model with the intercept alone weights it 1.
        var weights = Vector<double>.Build.Dense(u.ColumnCount, j => j == 0 && u.ColumnCount > 1 ? 0 : 1);
        var hw = u * weights;
        double Sigma(int j)
        {
            double s = 0;
            for (int t = 0; t < n - j; t++) s += hw[t] * hw[t + j];
            return s / n;
        }
        double s0 = Sigma(0), s1 = 0;
        for (int j = 1; j <= m; j++)
        {
            double sj = Sigma(j);
            s0 += 2 * sj;
            s1 += 2 * j * sj;
        }
        const double rate = 1.0 / 3.0;
        return 1.1447 * Math.Pow((s1 / s0) * (s1 / s0), rate) * Math.Pow(nOriginal, rate);
    }

    // VAR(1) without intercept fitted by OLS to the scores: u_t = A u_{t-1} + v_t, t = 2..n
    // (R ar.ols(demean = FALSE, aic = FALSE, order.max = 1)). Returns v and D = (I - A)^-1.
    private static (Matrix<double> Residuals, Matrix<double> Recolour) PrewhitenVar1(Matrix<double> scores)
    {
        int n = scores.RowCount, k = scores.ColumnCount;
        var current = scores.SubMatrix(1, n - 1, 0, k);
        var previous = scores.SubMatrix(0, n - 1, 0, k);
        var b = previous.QR().Solve(current); // current ~ previous * b, so A = b'
        var residuals = current - previous * b;
        var recolour = (Matrix<double>.Build.DenseIdentity(k) - b.Transpose()).Inverse();
        return (residuals, recolour);
    }

    private static Matrix<double> Wrap(IScoreModel fit, Matrix<double> meat)
    {
        var bread = fit.Bread;
        var v = bread * meat * bread;
        return (v + v.Transpose()) * 0.5;
    }
}
