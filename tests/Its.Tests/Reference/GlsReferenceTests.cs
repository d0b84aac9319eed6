using Its.Estimation;
using Its.Model;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Tests.Reference;

/// <summary>
/// The GLS estimator itself on the design columns R fitted (tests/reference/gls.R -> gls.json), the
/// boundary case included, at the tolerances of the fixture; the same cases through the model are
/// compared by <see cref="ReferenceFixtureTests"/>.
/// </summary>
public sealed class GlsReferenceTests
{
    private static readonly IReadOnlyList<Fixture> Cases = Fixture.Load("gls.json");

    // The cases fitted on R's design columns (the washout cases are fitted through the model only).
    public static TheoryData<string> CaseNames() => new(Cases.Where(c => c.Data.TryGetProperty("design", out _)).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_estimator_matches_nlme_on_its_design(string name)
    {
        var fixture = Cases.Single(c => c.Name == name);
        var errors = (GlsErrors)fixture.Spec().Errors.Process;
        var (fit, terms) = FitCase(fixture);
        var e = new ExpectedValues(fixture.Expected);
        var compare = new Comparison(fixture);

        compare.Same("near_boundary", e["near_boundary"].GetBoolean(), fit.NearBoundary);
        compare.Same("converged", true, fit.Converged);
        compare.Same("df_residual", e["df_residual"].GetInt32(), fit.DfResidual);
        var rows = e.Objects("coefficients");
        compare.Same("terms", string.Join(", ", rows.Select(r => r["term"].GetString())), string.Join(", ", terms));
        for (int j = 0; j < rows.Count; j++)
        {
            string at = $"coefficients[{terms[j]}]";
            compare.Number($"{at}.estimate", rows[j]["estimate"], fit.Coefficients[j]);
            compare.Number($"{at}.std_error", rows[j]["std_error"], Math.Sqrt(fit.Covariance[j, j]));
            var c = Vector<double>.Build.Dense(terms.Length, i => i == j ? 1 : 0);
            compare.Number($"{at}.df", rows[j]["df"], errors.Satterthwaite ? fit.SatterthwaiteDf(c) : fit.DfResidual);
        }
        compare.Parameters("error_parameters", e.Object("error_parameters")!, FixtureChecker.ArmaParameters(fit.ArCoefficients, fit.MaCoefficients));
        compare.Number("sigma", e["sigma"], fit.Sigma);
        compare.Number("log_likelihood", e["log_likelihood"], fit.LogLikelihood);
        compare.Number("aic", e["aic"], fit.Aic);
        compare.ThrowIfFailed();
    }

    [Fact]
    public void California_REML_is_reported_near_the_boundary()
    {
        // The restricted likelihood rises toward rho = 1: the fit must not throw, and must say so.
        var fixture = Cases.Single(c => c.Name == "california_ar1_reml");
        var (fit, _) = FitCase(fixture);
        Assert.True(fit.NearBoundary);
        Assert.True(fit.ArCoefficients[0] > 0.999);
        // No Satterthwaite df at the boundary, but no exception either.
        var df = fit.SatterthwaiteDf(Vector<double>.Build.Dense(4, i => i == 3 ? 1 : 0));
        Assert.True(double.IsNaN(df) || df > 0);
        // Through the model the fit is reported with a warning.
        var result = new ItsModel(fixture.Series(), fixture.Spec()).Fit();
        Assert.Contains(result.Warnings, w => w.Contains(FixtureChecker.NearBoundaryWarning, StringComparison.Ordinal));
    }

    private static (GlsArma Fit, string[] Terms) FitCase(Fixture fixture)
    {
        var (x, y, terms) = fixture.Design();
        var errors = (GlsErrors)fixture.Spec().Errors.Process;
        return (GlsArma.Fit(x, y, terms, errors.P, errors.Q, errors.Method), terms);
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
}
