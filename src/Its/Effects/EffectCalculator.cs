using Its.Model;
using Its.Results;
using Its.Time;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Effects;

/// <summary>
/// Effects, trends and the fitted path from a design row x and its counterfactual x_cf, over the
/// estimated design columns; with a <see cref="LevelAnchor"/> (differenced errors) the linear
/// predictor is anchored to the Kalman predictions of the series.
/// </summary>
internal sealed class EffectCalculator(TimeSeries series, ItsSpec spec, Design design, Inference inference, IReadOnlyList<int> columns, LevelAnchor? anchor)
{
    // Log outcome or log link: effects are read on the original (count) scale.
    private readonly bool _log = spec.Transform == OutcomeTransform.Log || spec.Family.IsCount();

    public Effect At(int periodsAfter)
    {
        var first = spec.Interruptions[0];
        var last = series.Periods[^1];
        int available = last.PeriodsSince(first);
        if (periodsAfter < 0 || periodsAfter > available)
            throw new ItsException($"effect horizon {periodsAfter} is outside the post period (0 to {available} {Period.Describe(series.Frequency)}s after {first})");
        var period = first.Add(periodsAfter);
        var row = Vector<double>.Build.DenseOfArray(design.Row(period));
        var (x, c) = Linear(row, period);
        var (xcf, _) = Linear(Counterfactual(row), period);
        var g = x - xcf;
        double d = inference.Estimate(g), dse = inference.StdError(g);
        double linFitted = inference.Estimate(x) + c, linCf = inference.Estimate(xcf) + c;
        if (_log)
        {
            double? exposure = Exposure(period);
            double scale = exposure ?? 1;
            double fitted = scale * Math.Exp(linFitted), cf = scale * Math.Exp(linCf);
            double abs = fitted - cf;
            double absSe = inference.StdError(x * fitted - xcf * cf);
            return new Effect(periodsAfter, period, fitted, cf, abs, absSe, inference.Ci(abs, absSe),
                Math.Exp(d) - 1, null, inference.Ci(d, dse).Map(v => Math.Exp(v) - 1), exposure);
        }
        // A ratio to a counterfactual that may be 0 or negative means nothing.
        if (!(inference.Ci(linCf, inference.StdError(xcf)).Lower > 0))
            return new Effect(periodsAfter, period, linFitted, linCf, d, dse, inference.Ci(d, dse), null, null, null);
        // Zhang et al. (2009): delta method for fitted/cf - 1, gradient x/cf - fitted x_cf / cf^2.
        double rel = linFitted / linCf - 1;
        double relSe = inference.StdError(x / linCf - xcf * (linFitted / (linCf * linCf)));
        return new Effect(periodsAfter, period, linFitted, linCf, d, dse, inference.Ci(d, dse),
            rel, relSe, inference.Ci(rel, relSe));
    }

    public CumulativeEffect Cumulative(EffectWindow window)
    {
        var first = spec.Interruptions[0];
        int available = series.Periods[^1].PeriodsSince(first);
        int to = window.To ?? available;
        if (window.From < 0 || to > available || to < window.From)
            throw new ItsException($"cumulative window {window.From}:{to} is outside the post period (0 to {available} {Period.Describe(series.Frequency)}s after {first})");
        int k = columns.Count;
        Vector<double> gFitted = Vector<double>.Build.Dense(k), gCf = Vector<double>.Build.Dense(k);
        double fitted = 0, cf = 0;
        for (int h = window.From; h <= to; h++)
        {
            var period = first.Add(h);
            var row = Vector<double>.Build.DenseOfArray(design.Row(period));
            var (x, c) = Linear(row, period);
            var (xcf, _) = Linear(Counterfactual(row), period);
            double f = inference.Estimate(x) + c, u = inference.Estimate(xcf) + c;
            if (_log)
            {
                // d exp(x'b) / db = exp(x'b) x
                double scale = Exposure(period) ?? 1;
                f = scale * Math.Exp(f);
                u = scale * Math.Exp(u);
                gFitted += f * x;
                gCf += u * xcf;
            }
            else
            {
                gFitted += x;
                gCf += xcf;
            }
            fitted += f;
            cf += u;
        }
        double abs = fitted - cf, absSe = inference.StdError(gFitted - gCf);
        double? rel = null, relSe = null;
        Interval? relCi = null;
        if (_log || inference.Ci(cf, inference.StdError(gCf)).Lower > 0)
        {
            rel = fitted / cf - 1;
            relSe = inference.StdError(gFitted / cf - gCf * (fitted / (cf * cf)));
            relCi = inference.Ci(rel.Value, relSe.Value);
        }
        return new CumulativeEffect(window.From, to, first.Add(window.From), first.Add(to), fitted, cf,
            abs, absSe, inference.Ci(abs, absSe), rel, relSe, relCi);
    }

    public IReadOnlyList<Trend> Trends()
    {
        var list = new List<Trend>();
        // Without a time term (removed by differencing) the slope terms are changes of no estimated trend.
        int time = IndexOf("time");
        if (!spec.Impact.HasSlope() || time < 0) return list;
        var g = Vector<double>.Build.Dense(columns.Count);
        g[time] = 1;
        string label = "time";
        for (int j = 1; j <= spec.Interruptions.Count; j++)
        {
            g[IndexOf($"slope{j}")] = 1;
            label += $" + slope{j}";
            var c = inference.Contrast(label, g);
            IntervalEstimate? percent = _log ? c.PercentChange : null;
            list.Add(new Trend(j, c.Estimate, c.StdError, c.Ci, percent?.Value, percent?.Ci, c.Statistic, c.Df, c.PValue));
        }
        return list;
    }

    // omega / (1 - delta) for each interruption of a gradual or decay impact, by the delta method;
    // an estimated rate is delta-hat plus its linearised coefficient, whose gradient is omega / (1 - delta)^2.
    public IReadOnlyList<Coefficient> LongRun()
    {
        if (!spec.Impact.HasRate()) return [];
        var list = new List<Coefficient>();
        int rateColumn = IndexOf(Design.RateTerm);
        for (int j = 1; j <= spec.Interruptions.Count; j++)
        {
            string term = $"{spec.Impact.Name()}{j}";
            int w = IndexOf(term);
            var g = Vector<double>.Build.Dense(columns.Count);
            double omega = inference.Estimate(w);
            double delta = design.Rate is { } rate ? rate.Rate + (rateColumn >= 0 ? inference.Estimate(rateColumn) : 0) : spec.Rate!.Value;
            g[w] = 1 / (1 - delta);
            if (rateColumn >= 0) g[rateColumn] = omega / ((1 - delta) * (1 - delta));
            list.Add(inference.Delta($"{term} / (1 - rate)", TransferFunction.LongRun(omega, delta), g));
        }
        return list;
    }

    public IReadOnlyList<TrajectoryPoint> Trajectory()
    {
        var inFit = new HashSet<int>(design.FitRows);
        var first = spec.Interruptions[0];
        var points = new List<TrajectoryPoint>(series.Count);
        for (int i = 0; i < series.Count; i++)
        {
            var (x, c) = Linear(design.Full.Row(i), i);
            double offset = spec.Offset is { } o ? Math.Log(series.Covariates[o][i]) : 0;
            double Scale(double linear) => _log ? Math.Exp(linear + offset) : linear;
            double fitted = Scale(inference.Estimate(x) + c);
            double? cf = null;
            Interval? cfCi = null;
            if (series.Periods[i].CompareTo(first) >= 0)
            {
                var (xcf, _) = Linear(Counterfactual(design.Full.Row(i)), i);
                double lin = inference.Estimate(xcf) + c;
                cf = Scale(lin);
                cfCi = inference.Ci(lin, inference.StdError(xcf)).Map(Scale);
            }
            points.Add(new TrajectoryPoint(series.Periods[i], series.Outcome[i], inFit.Contains(i), fitted, cf, cfCi));
        }
        return points;
    }

    // The offset's exposure in a period of the series, or null without an offset.
    private double? Exposure(Period period)
    {
        if (spec.Offset is not { } name) return null;
        for (int i = 0; i < series.Count; i++)
            if (series.Periods[i] == period) return series.Covariates[name][i];
        throw new ItsException($"{period} has no row in the data, so the offset {name} has no value there");
    }

    // A design row as a contrast of the estimated coefficients and a constant: x'b + c is the linear predictor.
    private (Vector<double> G, double C) Linear(Vector<double> row, int seriesRow)
    {
        var g = Vector<double>.Build.Dense(columns.Count, j => row[columns[j]]);
        return anchor is null ? (g, 0) : (g - anchor.Adjustment.Row(seriesRow), anchor.Constant[seriesRow]);
    }

    private (Vector<double> G, double C) Linear(Vector<double> row, Period period)
    {
        if (anchor is null) return Linear(row, -1);
        int i = Enumerable.Range(0, series.Count).FirstOrDefault(r => series.Periods[r] == period, -1);
        return i >= 0 ? Linear(row, i) : throw new ItsException($"{period} has no row in the data, so the differenced model has no prediction there");
    }

    private int IndexOf(string term)
    {
        for (int j = 0; j < columns.Count; j++) if (design.Terms[columns[j]] == term) return j;
        return -1;
    }

    private Vector<double> Counterfactual(Vector<double> x)
    {
        var xcf = x.Clone();
        for (int j = 0; j < xcf.Count; j++) if (design.InterruptionColumns[j]) xcf[j] = 0;
        return xcf;
    }
}
