using Its.Batch;
using Its.Model;

namespace Its.Tests.Reference;

/// <summary>
/// HAC covariances with the Parzen and quadratic-spectral kernels at a fixed lag against R
/// <c>sandwich::kernHAC(bw = L + 1, prewhite = FALSE, adjust = TRUE)</c>, and Bartlett against
/// <c>NeweyWest</c> (tests/reference/hac_kernels.R), on the single-series and the batch path.
/// </summary>
public sealed class HacKernelReferenceTests
{
    // Closed form: the sums differ from R's only in rounding.
    private const double ClosedForm = 1e-8;

    private static readonly IReadOnlyList<Fixture> Cases = Fixture.Load("hac_kernels.json");

    public static TheoryData<string> CaseNames => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_kernHAC(string name)
    {
        var fixture = Cases.Single(c => c.Name == name);
        var model = new ItsModel(fixture.Series(), fixture.Spec());
        var result = model.Fit();
        Assert.Equal(fixture.Json.GetProperty("errors").GetString(), result.Spec.Errors.Name);
        var expected = fixture.Json.GetProperty("coefficients").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, result.Coefficients.Count);
        var vcov = fixture.Json.GetProperty("vcov").EnumerateArray().Select(Fixture.Numbers).ToArray();
        var batch = new SharedDesign(model.X, model.Design.Terms, result.Spec.Errors).Fit(model.Outcome.ToArray());
        for (int j = 0; j < expected.Length; j++)
        {
            var c = result.Coefficients[j];
            Assert.Equal(expected[j].GetProperty("term").GetString(), c.Term);
            Close.Equal(expected[j].GetProperty("estimate").GetDouble(), c.Estimate, ClosedForm, $"{c.Term} estimate");
            Close.Equal(expected[j].GetProperty("std_error").GetDouble(), c.StdError, ClosedForm, $"{c.Term} SE");
            Close.Equal(expected[j].GetProperty("std_error").GetDouble(), batch.StdError(0, j), ClosedForm, $"{c.Term} batch SE");
            for (int i = 0; i < expected.Length; i++)
                Close.Equal(vcov[j][i], result.Covariance[j, i], ClosedForm, $"vcov[{c.Term}, {result.Coefficients[i].Term}]");
        }
    }

    [Fact]
    public void Every_kernel_is_covered()
    {
        var spelled = Cases.Select(c => c.Json.GetProperty("errors").GetString()!).ToArray();
        foreach (var kernel in Enum.GetValues<HacKernel>().Where(k => k != HacKernel.Bartlett))
            Assert.Contains(spelled, s => s.EndsWith(":" + NeweyWestCovariance.KernelSpelling(kernel), StringComparison.Ordinal));
    }
}
