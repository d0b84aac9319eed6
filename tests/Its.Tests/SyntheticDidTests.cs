using Its.Comparison;
using Its.Model;
using Its.Synthetic;
using Its.Tests.Reference;
using Its.Time;

namespace Its.Tests;

/// <summary>
/// Synthetic DiD, synthetic control and DiD beside their R fixture (<c>synthdid.json</c>, which
/// holds the Proposition 99 panel): the weights' constraints, the estimate as the weighted double
/// difference, DiD by hand, and the panels the estimators refuse.
/// </summary>
public sealed class SyntheticDidTests
{
    private static readonly Fixture Prop99 = Fixture.Load("synthdid.json", "prop99_sdid");

    private static GroupSeries[] Units()
    {
        var panel = Prop99.Data.GetProperty("panel");
        var periods = panel.GetProperty("periods").EnumerateArray().Select(p => Period.Parse(p.GetString()!, Frequency.Year)).ToArray();
        var names = panel.GetProperty("units").EnumerateArray().Select(u => u.GetString()!).ToArray();
        return names.Zip(panel.GetProperty("y").EnumerateArray(), (name, y) => new GroupSeries(name, new TimeSeries(periods, Fixture.Numbers(y)))).ToArray();
    }

    private static PanelOutcomes Panel() => new(Units(), ["California"], Period.OfYear(1989));

    [Theory]
    [InlineData(SyntheticEstimator.SyntheticDid)]
    [InlineData(SyntheticEstimator.SyntheticControl)]
    [InlineData(SyntheticEstimator.DifferenceInDifferences)]
    public void The_weights_lie_on_the_simplex_and_give_the_estimate(SyntheticEstimator estimator)
    {
        var panel = Panel();
        var r = SyntheticDid.Fit(panel, estimator);
        Assert.Equal(38, r.UnitWeights.Count);
        Assert.All(r.UnitWeights, w => Assert.True(w.Value >= 0, $"{w.Name}: {w.Value}"));
        Assert.Equal(1, r.UnitWeights.Sum(w => w.Value), 1e-12);
        Assert.Equal(["1970", "1988"], new[] { r.TimeWeights[0].Name, r.TimeWeights[^1].Name });
        Assert.Equal(estimator == SyntheticEstimator.SyntheticControl ? 0 : 1, r.TimeWeights.Sum(w => w.Value), 1e-12);

        // tau = (treated - omega'controls) over the post periods, less its lambda-weighted pre-period value.
        var y = panel.Outcome;
        double Gap(int t) => y[38, t] - Enumerable.Range(0, 38).Sum(i => r.UnitWeights[i].Value * y[i, t]);
        double post = Enumerable.Range(19, 12).Average(Gap);
        double pre = Enumerable.Range(0, 19).Sum(t => r.TimeWeights[t].Value * Gap(t));
        Assert.Equal(post - pre, r.Estimate, 1e-9);
        Assert.Equal(38, r.Placebos.Count);
        Assert.Equal(r.Estimate - 1.96 * r.PlaceboStandardError, r.Ci.Lower, 1e-12);
    }

    [Fact]
    public void Difference_in_differences_is_the_double_difference_of_means()
    {
        var panel = Panel();
        var y = panel.Outcome;
        double Mean(IEnumerable<int> rows, IEnumerable<int> columns) => rows.SelectMany(i => columns.Select(t => y[i, t])).Average();
        var controls = Enumerable.Range(0, 38);
        var pre = Enumerable.Range(0, 19);
        var post = Enumerable.Range(19, 12);
        double byHand = Mean([38], post) - Mean([38], pre) - (Mean(controls, post) - Mean(controls, pre));
        Assert.Equal(byHand, SyntheticDid.Fit(panel, SyntheticEstimator.DifferenceInDifferences).Estimate, 1e-10);
    }

    [Fact]
    public void A_panel_that_is_not_balanced_is_refused_with_the_unit_and_the_period()
    {
        var units = Units();
        var short_ = units[3] with { Series = new TimeSeries(units[3].Series.Periods.Skip(1).ToArray(), units[3].Series.Outcome.Skip(1).ToArray()) };
        units[3] = short_;
        var e = Assert.Throws<ItsException>(() => new PanelOutcomes(units, ["California"], Period.OfYear(1989)));
        Assert.Contains($"unit {units[3].Name} does not have the periods of unit {units[0].Name} (it differs at 1970)", e.Message);
    }

    [Fact]
    public void The_panels_the_estimators_cannot_use_are_refused()
    {
        var units = Units();
        Assert.Contains("treated unit Atlantis is not in the panel",
            Assert.Throws<ItsException>(() => new PanelOutcomes(units, ["Atlantis"], Period.OfYear(1989))).Message);
        Assert.Contains("1 control unit(s): the synthetic estimators need two or more",
            Assert.Throws<ItsException>(() => new PanelOutcomes([units[0], units[^1]], ["California"], Period.OfYear(1989))).Message);
        Assert.Contains("leaves 0 period(s) before it",
            Assert.Throws<ItsException>(() => new PanelOutcomes(units, ["California"], Period.OfYear(1970))).Message);
        Assert.Contains("is a month, but the panel is annual",
            Assert.Throws<ItsException>(() => new PanelOutcomes(units, ["California"], Period.Month(1989, 1))).Message);
        var two = new PanelOutcomes(units.Take(4).ToArray(), [units[2].Name, units[3].Name], Period.OfYear(1989));
        Assert.Contains("the panel has 2: average the treated units into one series first",
            Assert.Throws<ItsException>(() => SyntheticDid.Fit(two, SyntheticEstimator.SyntheticDid)).Message);
    }

    [Fact]
    public void The_placebo_in_space_ranks_the_treated_unit_among_every_control_in_its_place()
    {
        var panel = Panel();
        var space = SyntheticDid.PlaceboInSpace(panel);
        Assert.Equal(39, space.Units.Count);
        Assert.Equal(panel.Units.Order(StringComparer.Ordinal), space.Units.Select(u => u.Unit).Order(StringComparer.Ordinal));
        Assert.Equal("California", Assert.Single(space.Units, u => u.Treated).Unit);
        Assert.Equal(space.Units.Select(u => u.Ratio).OrderByDescending(r => r), space.Units.Select(u => u.Ratio));
        Assert.Equal(space.Units.ToList().FindIndex(u => u.Treated) + 1, space.Rank);
        Assert.Equal(space.Rank / 39.0, space.PValue, 1e-15);
        // The treated unit's own fit is the synthetic control's: its post-period gap is the estimate.
        var sc = SyntheticDid.Fit(panel, SyntheticEstimator.SyntheticControl);
        var post = sc.Path.Skip(19).Select(p => p.Treated - p.Synthetic).ToArray();
        Assert.Equal(sc.Estimate, post.Average(), 1e-9);
        Assert.Equal(Math.Sqrt(post.Average(g => g * g)), space.Units.Single(u => u.Treated).PostRmspe, 1e-9);
    }

    [Fact]
    public void The_placebo_in_space_takes_one_treated_unit()
    {
        var units = Units();
        var two = new PanelOutcomes(units, ["California", units[0].Name], Period.OfYear(1989));
        Assert.Contains("ranks one treated unit among the controls, not 2", Assert.Throws<ItsException>(() => SyntheticDid.PlaceboInSpace(two)).Message);
    }

    [Theory]
    [InlineData("sdid", SyntheticEstimator.SyntheticDid)]
    [InlineData(" SC ", SyntheticEstimator.SyntheticControl)]
    [InlineData("did", SyntheticEstimator.DifferenceInDifferences)]
    public void An_estimator_reads_as_written(string text, SyntheticEstimator estimator)
    {
        Assert.Equal(estimator, SyntheticEstimators.Parse(text));
        Assert.Equal(estimator, SyntheticEstimators.Parse(estimator.Name()));
    }

    [Fact]
    public void An_estimator_that_is_not_one_is_refused() =>
        Assert.Contains("not an estimator (expected sdid, sc or did)", Assert.Throws<FormatException>(() => SyntheticEstimators.Parse("synth")).Message);
}
