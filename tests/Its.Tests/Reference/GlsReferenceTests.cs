using System.Text.Json;
using Its.Estimation;
using Its.Model;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Tests.Reference;

/// <summary>
/// GLS with ARMA(p, q) errors by REML and ML against R nlme::gls (tests/reference/gls.R -> gls.json):
/// coefficients, SEs, AR/MA parameters, sigma, log-likelihood, AIC, and Satterthwaite df of the REML fits.
/// </summary>
public sealed class GlsReferenceTests
{
    // Likelihood maximisation: both sides stop near the optimum (nlme's optimum agrees with a BFGS
    // re-maximisation in R to about 1e-7 in the parameters), so 1e-5 relative.
    private const double Maximised = 1e-5;

    // AR/MA parameters are compared relative to max(|value|, 0.1): the likelihood changes by about 1e-13
    // within 1e-7 of the optimum, so a parameter near 0 (theta = 0.006) is determined to about 1e-7 only.
    private const double ParameterFloor = 0.1;

    // Satterthwaite df: second derivatives by finite differences on both sides.
    private const double Satterthwaite = 1e-3;

    // At the boundary (California REML: the restricted likelihood rises toward rho = 1) each side stops
    // at its own point close to rho = 1; quantities with a finite limit (coefficients, SEs other than the
    // intercept's, phi, log-likelihood, AIC) agree to 1e-4, while sigma and the intercept SE grow without
    // bound as rho -> 1 and are not compared.
    private const double Boundary = 1e-4;

    private static readonly IReadOnlyList<Fixture> Cases = Fixture.Load("gls.json");

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_nlme(string name)
    {
        var r = Cases.Single(c => c.Name == name).Json;
        var (fit, terms) = FitCase(r);

        bool boundary = r.GetProperty("near_boundary").GetBoolean();
        Assert.Equal(boundary, fit.NearBoundary);
        double tol = boundary ? Boundary : Maximised;
        Assert.True(fit.Converged, "converged");
        Assert.Equal(r.GetProperty("df_residual").GetInt32(), fit.DfResidual);
        var coefficients = r.GetProperty("coefficients").EnumerateArray().ToArray();
        for (int j = 0; j < coefficients.Length; j++)
        {
            var expected = coefficients[j];
            Assert.Equal(terms[j], expected.GetProperty("term").GetString());
            Close.Equal(expected.GetProperty("estimate").GetDouble(), fit.Coefficients[j], tol, $"{terms[j]} estimate");
            if (!(boundary && terms[j] == "intercept"))
                Close.Equal(expected.GetProperty("std_error").GetDouble(), Math.Sqrt(fit.Covariance[j, j]), tol, $"{terms[j]} SE");
            var df = expected.GetProperty("satterthwaite_df");
            if (df.ValueKind != JsonValueKind.Null)
            {
                var c = Vector<double>.Build.Dense(terms.Length, i => i == j ? 1 : 0);
                Close.Equal(df.GetDouble(), fit.SatterthwaiteDf(c), Satterthwaite, $"{terms[j]} Satterthwaite df");
            }
        }
        Parameters(r.GetProperty("phi"), fit.ArCoefficients, tol, "phi");
        Parameters(r.GetProperty("theta"), fit.MaCoefficients, tol, "theta");
        if (!boundary) Close.Equal(r.GetProperty("sigma").GetDouble(), fit.Sigma, tol, "sigma");
        Close.Equal(r.GetProperty("log_likelihood").GetDouble(), fit.LogLikelihood, tol, "logLik");
        Close.Equal(r.GetProperty("aic").GetDouble(), fit.Aic, tol, "AIC");
    }

    /// <summary>
    /// The same cases through the model (design from the series, the --errors spelling, t tests):
    /// coefficients, SEs and the log-likelihood as nlme, and with :satterthwaite each coefficient's
    /// df as the hand computation in gls.R. The boundary case is the warning test below.
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_nlme_through_the_model(string name)
    {
        var fixture = Cases.Single(c => c.Name == name);
        if (fixture.Json.GetProperty("near_boundary").GetBoolean()) return;
        var spec = fixture.Spec();
        bool reml = spec.Errors is GlsErrors { Method: LikelihoodMethod.Reml };
        if (reml) spec = spec with { Errors = ((GlsErrors)spec.Errors) with { Satterthwaite = true } };
        var result = new ItsModel(fixture.Series(), spec).Fit();
        foreach (var (expected, actual) in fixture.Json.GetProperty("coefficients").EnumerateArray().Zip(result.Coefficients))
        {
            Close.Equal(expected.GetProperty("estimate").GetDouble(), actual.Estimate, Maximised, $"{actual.Term} estimate");
            Close.Equal(expected.GetProperty("std_error").GetDouble(), actual.StdError, Maximised, $"{actual.Term} SE");
            if (reml) Close.Equal(expected.GetProperty("satterthwaite_df").GetDouble(), actual.Df!.Value, Satterthwaite, $"{actual.Term} Satterthwaite df");
            else Assert.Equal(result.DfResidual, actual.Df);
        }
        Close.Equal(fixture.Json.GetProperty("log_likelihood").GetDouble(), result.LogLikelihood!.Value, Maximised, "log-likelihood");
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void California_REML_is_reported_near_the_boundary()
    {
        // The restricted likelihood rises toward rho = 1: the fit must not throw, and must say so.
        var (fit, _) = FitCase(Cases.Single(c => c.Name == "california_ar1_reml").Json);
        Assert.True(fit.NearBoundary);
        Assert.True(fit.ArCoefficients[0] > 0.999);
        // No Satterthwaite df at the boundary, but no exception either.
        var df = fit.SatterthwaiteDf(Vector<double>.Build.Dense(4, i => i == 3 ? 1 : 0));
        Assert.True(double.IsNaN(df) || df > 0);
    }

    private static (GlsArma Fit, string[] Terms) FitCase(JsonElement r)
    {
        var terms = r.GetProperty("design").GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var columns = r.GetProperty("design").GetProperty("columns").EnumerateArray().Select(Fixture.Numbers).ToArray();
        var x = Matrix<double>.Build.DenseOfColumnArrays(columns);
        var y = Vector<double>.Build.DenseOfArray(Fixture.Numbers(r.GetProperty("series").GetProperty("y")));
        var method = r.GetProperty("method").GetString() == "REML" ? LikelihoodMethod.Reml : LikelihoodMethod.Ml;
        return (GlsArma.Fit(x, y, terms, r.GetProperty("p").GetInt32(), r.GetProperty("q").GetInt32(), method), terms);
    }

    [Fact]
    public void Satterthwaite_is_refused_for_ML()
    {
        var x = Matrix<double>.Build.DenseOfColumnArrays(Enumerable.Repeat(1.0, 30).ToArray(), Enumerable.Range(0, 30).Select(t => (double)t).ToArray());
        var y = Vector<double>.Build.Dense(30, t => Math.Sin(t) + 0.1 * t);
        var fit = GlsArma.Fit(x, y, ["intercept", "time"], 1, 0, LikelihoodMethod.Ml);
        Assert.Throws<Its.Model.ItsException>(() => fit.SatterthwaiteDf(Vector<double>.Build.Dense(2, 1)));
    }

    [Fact]
    public void ARMA_autocorrelations_match_the_closed_forms()
    {
        // AR(1): rho(k) = phi^k. MA(1): rho(1) = theta / (1 + theta^2). ARMA(1,1): rho(1) = (1 + phi theta)(phi + theta) / (1 + 2 phi theta + theta^2).
        var ar = ArmaCorrelation.Autocorrelations([0.7], [], 4);
        for (int k = 0; k < 4; k++) Assert.Equal(Math.Pow(0.7, k), ar[k], 12);
        var ma = ArmaCorrelation.Autocorrelations([], [0.4], 3);
        Assert.Equal(0.4 / 1.16, ma[1], 12);
        Assert.Equal(0, ma[2], 12);
        var arma = ArmaCorrelation.Autocorrelations([0.5], [0.3], 3);
        double rho1 = (1 + 0.15) * 0.8 / (1 + 0.3 + 0.09);
        Assert.Equal(rho1, arma[1], 12);
        Assert.Equal(0.5 * rho1, arma[2], 12);
    }

    private static void Parameters(JsonElement expected, IReadOnlyList<double> actual, double tol, string what)
    {
        var values = Fixture.Numbers(expected);
        Assert.Equal(values.Length, actual.Count);
        for (int i = 0; i < values.Length; i++) Close.Equal(values[i], actual[i], tol, $"{what}[{i + 1}]", floor: ParameterFloor);
    }
}
