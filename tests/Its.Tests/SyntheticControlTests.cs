using Its.Comparison;
using Its.Model;
using Its.Synthetic;
using Its.Tests.Reference;
using Its.Time;

namespace Its.Tests;

/// <summary>Abadie et al.'s synthetic control on Proposition 99.</summary>
public sealed class SyntheticControlTests
{
    private static readonly string[] Abadie = ["lnincome:1980-1988", "retprice:1980-1988", "age15to24:1980-1988", "beer:1984-1988", "cigsale:1975", "cigsale:1980", "cigsale:1988"];

    private static SynthInputs Inputs(params string[] predictors) =>
        SynthPanel.Inputs("prop99_smoking.csv", "cigsale", "California", Period.OfYear(1989), predictors);

    // Abadie, Diamond and Hainmueller (2010), Table 2: synthetic California.
    private static readonly Dictionary<string, double> Published = new()
    {
        ["Colorado"] = 0.164, ["Connecticut"] = 0.069, ["Montana"] = 0.199, ["Nevada"] = 0.234, ["Utah"] = 0.334,
    };

    private static readonly Lazy<SynthResult> AbadieFit = new(() => SyntheticControl.Fit(Inputs(Abadie)));

    [Fact]
    public void Abadie_predictors_give_the_published_donors_within_0_01_and_a_2000_gap_of_about_26()
    {
        var fit = AbadieFit.Value;
        var donors = fit.Weights.Where(w => w.Value > 0.01).ToDictionary(w => w.Name, w => w.Value);
        Assert.Equal(Published.Keys.Order(), donors.Keys.Order());
        foreach (var (state, weight) in Published) Assert.True(Math.Abs(donors[state] - weight) < 0.01, $"{state}: {donors[state]:F4}, published {weight}");
        Assert.Equal("2000", fit.Path[^1].Period.ToString());
        Assert.InRange(fit.Gaps[^1], -27, -25);
    }

    [Fact]
    public void The_weights_lie_on_the_simplex_and_the_losses_and_balance_are_what_they_say()
    {
        var fit = AbadieFit.Value;
        Assert.Equal(38, fit.Weights.Count);
        Assert.DoesNotContain(fit.Weights, w => w.Name == "California");
        Assert.All(fit.Weights, w => Assert.True(w.Value >= 0, $"{w.Name}: {w.Value}"));
        Assert.Equal(1, fit.Weights.Sum(w => w.Value), 1e-12);
        Assert.Equal(1, fit.Balance.Sum(b => b.V), 1e-12);
        Assert.Equal(19, fit.PrePeriods);
        Assert.Equal(fit.Path.Take(19).Average(p => (p.Treated - p.Synthetic) * (p.Treated - p.Synthetic)), fit.LossV, 1e-10);
        Assert.Equal(Math.Sqrt(fit.LossV), fit.PreRmspe, 1e-10);
        Assert.Equal(fit.Path.Skip(19).Average(p => p.Treated - p.Synthetic), fit.AveragePostGap, 1e-10);
        // The synthetic predictor is the weighted donors' value: cigsale 1975 from the panel itself.
        var panel = Inputs().Panel;
        var cig1975 = fit.Balance.Single(b => b.Name == "cigsale 1975");
        Assert.Equal(Enumerable.Range(0, 38).Sum(i => fit.Weights[i].Value * panel.Outcome[i, 5]), cig1975.Synthetic, 1e-10);
        Assert.Equal(127.1, cig1975.Treated, 1e-10);
        // No V found by the search does better than the V it returned, within the search's tolerance.
        foreach (var v in new[] { Enumerable.Repeat(1.0, 7).ToArray(), [0, 0, 0, 0, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0] })
            Assert.True(SyntheticControl.Fit(Inputs(Abadie) with { CustomV = v }).LossV >= fit.LossV - 1e-9);
    }

    [Fact]
    public void Without_predictors_the_weights_match_the_pre_period_path_better_than_any_single_donor_and_any_small_move()
    {
        var fit = SyntheticControl.Fit(Inputs());
        Assert.Empty(fit.Balance);
        Assert.Equal("none", fit.Start);
        var y = Inputs().Panel.Outcome;
        double Loss(double[] w) => Enumerable.Range(0, 19).Average(t => Math.Pow(y[38, t] - Enumerable.Range(0, 38).Sum(i => w[i] * y[i, t]), 2));
        var best = fit.Weights.Select(w => w.Value).ToArray();
        Assert.Equal(Loss(best), fit.LossV, 1e-10);
        // KKT on the simplex: moving weight from any donor with weight to any other raises the loss.
        for (int from = 0; from < 38; from++)
        {
            if (best[from] <= 0) continue;
            for (int to = 0; to < 38; to++)
            {
                if (to == from) continue;
                var moved = (double[])best.Clone();
                double step = Math.Min(1e-4, moved[from]);
                moved[from] -= step;
                moved[to] += step;
                Assert.True(Loss(moved) >= fit.LossV - 1e-12, $"moving {step} from {fit.Weights[from].Name} to {fit.Weights[to].Name} lowers the loss");
            }
        }
    }

    [Fact]
    public void California_ranks_first_of_39_in_the_placebo_in_space_as_published()
    {
        var space = SyntheticControl.PlaceboInSpace(Inputs(Abadie));
        Assert.Equal(39, space.Units.Count);
        Assert.Equal(1, space.Rank);
        Assert.Equal(1.0 / 39, space.PValue, 1e-15);
        var california = space.Units[0];
        Assert.True(california.Treated);
        Assert.Equal(AbadieFit.Value.PreRmspe, california.PreRmspe, 1e-6);
        Assert.All(space.Units, u => Assert.Equal(31, u.Gaps.Count));
        Assert.Equal(AbadieFit.Value.Gaps[^1], california.Gaps[^1], 1e-3);
    }

    [Fact]
    public void Leave_one_out_drops_each_weighted_donor_in_turn()
    {
        var loo = SyntheticControl.LeaveOneOut(Inputs(Abadie), AbadieFit.Value);
        Assert.Equal(["Utah", "Nevada", "Montana", "Colorado", "Connecticut"], loo.Select(d => d.Dropped));
        foreach (var d in loo)
        {
            Assert.Equal(37, d.Fit.Weights.Count);
            Assert.DoesNotContain(d.Fit.Weights, w => w.Name == d.Dropped);
            Assert.Equal(1, d.Fit.Weights.Sum(w => w.Value), 1e-12);
        }
    }

    [Fact]
    public void The_in_time_placebo_fits_the_periods_before_the_real_interruption_and_names_what_it_leaves_out()
    {
        var placebo = SyntheticControl.InTime(Inputs(Abadie), Period.OfYear(1980));
        Assert.Equal(["beer 1975-1979", "cigsale 1966"], placebo.Dropped);
        Assert.Equal(10, placebo.Fit.PrePeriods);
        Assert.Equal("1988", placebo.Fit.Path[^1].Period.ToString());
        Assert.Equal(["lnincome 1971-1979", "retprice 1971-1979", "age15to24 1971-1979", "cigsale 1971", "cigsale 1979"], placebo.Fit.Balance.Select(b => b.Name));
        var explicitly = SyntheticControl.InTime(Inputs(Abadie), Period.OfYear(1980), [SynthPredictor.Parse("cigsale:1975", y => Period.Parse(y, Frequency.Year))]);
        Assert.Empty(explicitly.Dropped);
        Assert.Equal("cigsale 1975", Assert.Single(explicitly.Fit.Balance).Name);
    }

    [Fact]
    public void Predictors_are_read_as_synth_writes_them()
    {
        Period Year(string y) => Period.Parse(y, Frequency.Year);
        Assert.Equal(new SynthPredictor("lnincome", Period.OfYear(1980), Period.OfYear(1988)), SynthPredictor.Parse("lnincome:1980-1988", Year));
        Assert.Equal(new SynthPredictor("cigsale", Period.OfYear(1975), Period.OfYear(1975)), SynthPredictor.Parse("cigsale:1975", Year));
        Assert.Equal("visits 2016-01-2016-12", SynthPredictor.Parse("visits:2016-01..2016-12", t => Period.Parse(t, Frequency.Month)).Name);
        Assert.Contains("not a predictor", Assert.Throws<FormatException>(() => SynthPredictor.Parse("lnincome", Year)).Message);
        Assert.Contains("ends (1980) before it starts (1988)", Assert.Throws<FormatException>(() => SynthPredictor.Parse("lnincome:1988-1980", Year)).Message);
    }

    [Fact]
    public void Predictors_that_cannot_weigh_the_donors_are_refused_with_the_reason()
    {
        Assert.Contains("on or after the interruption 1989", Assert.Throws<ItsException>(() => SyntheticControl.Fit(Inputs("cigsale:1990"))).Message);
        Assert.Contains("unit Alabama has no value of beer in 1970-1975", Assert.Throws<ItsException>(() => SyntheticControl.Fit(Inputs("beer:1970-1975", "cigsale:1975"))).Message);
        Assert.Contains("neither the outcome (cigsale) nor a covariate", Assert.Throws<ItsException>(() => SyntheticControl.Fit(Inputs("smokers:1980"))).Message);
        Assert.Contains("custom V needs 2 weights", Assert.Throws<ItsException>(() => SyntheticControl.Fit(Inputs("cigsale:1975", "cigsale:1980") with { CustomV = [1] })).Message);
        var data = SynthPanel.Read("prop99_smoking.csv");
        var two = new PanelOutcomes(data["cigsale"], ["California", "Utah"], Period.OfYear(1989));
        Assert.Contains("one treated unit, and the panel has 2", Assert.Throws<ItsException>(() => SyntheticControl.Fit(new SynthInputs(two, "cigsale", [], new Dictionary<string, IReadOnlyList<GroupSeries>>()))).Message);
    }
}
