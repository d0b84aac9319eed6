using Its.Batch;
using Its.Model;

namespace Its.Tests.Reference;

/// <summary>
/// The batch path of the HAC kernels against R <c>sandwich::kernHAC(bw = L + 1, prewhite = FALSE,
/// adjust = TRUE)</c> and <c>NeweyWest</c> (tests/reference/hac_kernels.R; the single-series fits
/// of the same cases are checked by <see cref="ReferenceFixtureTests"/>).
/// </summary>
public sealed class HacKernelReferenceTests
{
    private const string File = "hac_kernels.json";

    public static TheoryData<string> CaseNames => new(Fixture.Load(File).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_batch_path_matches_kernHAC(string name)
    {
        var fixture = Fixture.Load(File, name);
        var model = new ItsModel(fixture.Series(), fixture.Spec());
        var batch = new SharedDesign(model.X, model.Design.Terms, model.Spec.Errors).Fit(model.Outcome.ToArray());
        var expected = fixture.Expected.GetProperty("coefficients").EnumerateArray().ToArray();
        var tolerance = fixture.Tolerance("coefficients.std_error", "coefficients.std_error");
        Assert.Equal(expected.Length, batch.Terms.Count);
        for (int j = 0; j < expected.Length; j++)
            Close.Equal(expected[j].GetProperty("std_error").GetDouble(), batch.StdError(0, j), tolerance.Relative, $"{batch.Terms[j]} batch SE");
    }

    [Fact]
    public void Every_kernel_is_covered()
    {
        var spelled = Fixture.Load(File).Select(c => c.SpecOption("errors").GetString()!).ToArray();
        foreach (var kernel in Enum.GetValues<HacKernel>().Where(k => k != HacKernel.Bartlett))
            Assert.Contains(spelled, s => s.EndsWith(":" + NeweyWestCovariance.KernelSpelling(kernel), StringComparison.Ordinal));
    }
}
