using System.Text.Json;
using Its.Estimation;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Tests.Reference;

/// <summary>
/// Regression with ARIMA errors against R (tests/reference/arima.R -> arima.json):
/// <c>stats::arima(method = "ML")</c> coefficients, SEs, phi, theta, sigma^2, log-likelihood, AIC,
/// and the automatic choice of (p, q) by AICc.
/// </summary>
public sealed class ArimaReferenceTests
{
    // Likelihood maximisation: both sides stop at an optimiser tolerance (R's BFGS with reltol 1e-12
    // on a numerical gradient, the kit's BFGS and Newton polish), so they agree to about 1e-6.
    private const double Likelihood = 1e-5;
    // Both sides take the SEs from a numerical Hessian (R's optimhess, step 1e-3); the kit mirrors
    // its steps, but at slightly different optima.
    private const double Hessian = 1e-3;

    private static readonly JsonElement Root = Fixture.Root("arima.json");

    private static JsonElement Case(string section, string name) =>
        Root.GetProperty(section).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string> CaseNames() =>
        new(Root.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    public static TheoryData<string> AutoNames() =>
        new(Root.GetProperty("auto").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    private static (Matrix<double> X, Vector<double> Y, string[] Terms) Data(JsonElement r)
    {
        var columns = r.GetProperty("x").EnumerateArray().Select(Fixture.Numbers).ToArray();
        var x = Matrix<double>.Build.DenseOfColumnArrays(columns);
        var y = Vector<double>.Build.DenseOfArray(Fixture.Numbers(r.GetProperty("y")));
        var terms = r.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).ToArray();
        return (x, y, terms);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_R(string name)
    {
        var r = Case("cases", name);
        var (x, y, terms) = Data(r);
        var order = r.GetProperty("order").EnumerateArray().Select(o => o.GetInt32()).ToArray();
        var fit = ArimaRegression.Fit(x, y, terms, order[0], order[1], order[2]);

        Assert.True(fit.Converged, string.Join("; ", fit.Warnings));
        Assert.Equal(r.GetProperty("n").GetInt32(), fit.N);
        var coefficients = r.GetProperty("coefficients").EnumerateArray().ToArray();
        Assert.Equal(coefficients.Select(c => c.GetProperty("term").GetString()), fit.Terms);
        for (int i = 0; i < coefficients.Length; i++)
        {
            string term = fit.Terms[i];
            Close.Equal(coefficients[i].GetProperty("estimate").GetDouble(), fit.Coefficients[i], Likelihood, $"{term} estimate");
            Close.Equal(coefficients[i].GetProperty("std_error").GetDouble(), Math.Sqrt(fit.Covariance[i, i]), Hessian, $"{term} SE");
        }
        Parameters(r.GetProperty("phi"), fit.ArCoefficients, "phi");
        Parameters(r.GetProperty("theta"), fit.MaCoefficients, "theta");
        Close.Equal(r.GetProperty("sigma2").GetDouble(), fit.Sigma2, Likelihood, "sigma2");
        Close.Equal(r.GetProperty("loglik").GetDouble(), fit.LogLikelihood, Likelihood, "loglik");
        Close.Equal(r.GetProperty("aic").GetDouble(), fit.Aic, Likelihood, "aic");
        Close.Equal(r.GetProperty("aicc").GetDouble(), fit.Aicc, Likelihood, "aicc");
    }

    [Theory]
    [MemberData(nameof(AutoNames))]
    public void Chooses_the_order_R_chooses(string name)
    {
        var r = Case("auto", name);
        var (x, y, terms) = Data(r);
        var fit = ArimaRegression.FitAuto(x, y, terms, r.GetProperty("d").GetInt32(),
            r.GetProperty("max_p").GetInt32(), r.GetProperty("max_q").GetInt32());
        Assert.Equal((r.GetProperty("p").GetInt32(), r.GetProperty("q").GetInt32()), (fit.P, fit.Q));
    }

    private static void Parameters(JsonElement expected, IReadOnlyList<double> actual, string what)
    {
        var values = Fixture.Numbers(expected);
        Assert.Equal(values.Length, actual.Count);
        for (int i = 0; i < values.Length; i++) Close.Equal(values[i], actual[i], Likelihood, $"{what}[{i + 1}]");
    }
}
