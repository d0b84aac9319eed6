using Its.Batch;

namespace Its.Tests.Reference;

/// <summary>
/// The pooled estimates of a panel summary against R metafor::rma (method FE and DL), to 1e-10
/// relative: closed forms, so only rounding separates them (the fixture prints 15 digits).
/// </summary>
public sealed class MetaReferenceTests
{
    private const double Rtol = 1e-10;

    public static TheoryData<string> Cases => new(Fixture.Load("meta.json").Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pooled_estimates_match_metafor(string name)
    {
        var json = Fixture.Load("meta.json").Single(c => c.Name == name).Json;
        var yi = Fixture.Numbers(json.GetProperty("yi"));
        var sei = Fixture.Numbers(json.GetProperty("sei"));
        var (fe, re, tau2, q, i2) = PanelSummary.MetaAnalysis(yi, sei);
        var f = json.GetProperty("fixed");
        Close.Equal(f.GetProperty("estimate").GetDouble(), fe.Estimate, Rtol, "FE estimate");
        Close.Equal(f.GetProperty("se").GetDouble(), fe.StdError, Rtol, "FE SE");
        Close.Equal(f.GetProperty("ci_lower").GetDouble(), fe.Ci.Lower, Rtol, "FE CI");
        Close.Equal(f.GetProperty("ci_upper").GetDouble(), fe.Ci.Upper, Rtol, "FE CI");
        var r = json.GetProperty("random");
        Close.Equal(r.GetProperty("estimate").GetDouble(), re!.Estimate, Rtol, "DL estimate");
        Close.Equal(r.GetProperty("se").GetDouble(), re.StdError, Rtol, "DL SE");
        Close.Equal(r.GetProperty("ci_lower").GetDouble(), re.Ci.Lower, Rtol, "DL CI");
        Close.Equal(r.GetProperty("ci_upper").GetDouble(), re.Ci.Upper, Rtol, "DL CI");
        Close.Equal(r.GetProperty("tau2").GetDouble(), tau2!.Value, Rtol, "tau2");
        Close.Equal(r.GetProperty("q").GetDouble(), q, Rtol, "Q");
        Close.Equal(r.GetProperty("i2").GetDouble(), i2!.Value, Rtol, "I2");
    }
}
