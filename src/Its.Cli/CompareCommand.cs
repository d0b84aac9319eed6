using System.CommandLine;
using Its.Comparison;
using Its.Data;
using Its.Plots;
using Its.Reporting;

namespace Its.Cli;

/// <summary>
/// <c>its compare</c>: multiple-group ITS. Each value of <c>--group</c> is a group; with
/// <c>--treated</c> the other values are control units, averaged into one control series or
/// stacked as Stata <c>itsa</c> does, and optionally permuted.
/// </summary>
public static class CompareCommand
{
    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output)
    {
        var options = new ModelOptions();
        var figure = new FigureOption();
        var group = new Option<string>("--group") { Description = "Column naming each row's group (institution type, state)", Required = true };
        var treated = new Option<string?>("--treated") { Description = "The treated group; every other value is a control unit" };
        var reference = new Option<string?>("--reference") { Description = "Without --treated: the group the others are compared with (default: the last group in the file; with two groups the first is then coded 1)" };
        var controls = new Option<string>("--controls") { Description = "With --treated and several controls: average (one mean control series) or stack (every control series stacked, as Stata itsa's regression)", DefaultValueFactory = _ => "average" };
        var lags = new Option<string>("--lags") { Description = "Newey-West lags of the pooled model: within (each stacked series) or across (the stacked series, as Stata itsa)", DefaultValueFactory = _ => "within" };
        var permute = new Option<bool>("--permute") { Description = "With --treated and two or more controls: permutation test over the control units (each in turn as if treated)" };
        var command = new Command("compare", "Compare groups: a fit per group, the pooled interaction model, and tests of the differences in level and slope change");
        options.AddTo(command);
        figure.AddTo(command);
        foreach (var o in new Option[] { group, treated, reference, controls, lags, permute }) command.Options.Add(o);
        command.SetAction(p =>
        {
            var format = options.Format(p);
            if (options.ShareOf(p) is not null) throw new InputError("--share-of: its compare compares the groups themselves; fit a share with its fit --share-of");
            var scope = p.GetValue(lags)!.Trim().ToLowerInvariant() switch
            {
                "within" => LagScope.WithinSeries,
                "across" => LagScope.AcrossSeries,
                var other => throw new InputError($"--lags {other}: expected within or across"),
            };
            bool stack = p.GetValue(controls)!.Trim().ToLowerInvariant() switch
            {
                "average" => false,
                "stack" => true,
                var other => throw new InputError($"--controls {other}: expected average or stack"),
            };
            string? treatedName = p.GetValue(treated), referenceName = p.GetValue(reference);
            if (treatedName is not null && referenceName is not null) throw new InputError("give --treated (the others are controls) or --reference (each other group is compared with it), not both");
            if (treatedName is null && p.GetValue(permute)) throw new InputError("--permute needs --treated: the controls are permuted against the treated unit");

            string? figureFile = figure.Path(p);
            var (seriesOptions, spec) = options.Read(p);
            string file = options.File(p), column = p.GetValue(group)!;
            var loaded = SeriesLoader.LoadGroups(TextTable.Read(file, options.Table(p)), seriesOptions, column, "--group");
            spec = options.WithInterruptions(p, spec, loaded[0].Series.Frequency);
            var all = loaded.Select(g => new GroupSeries(g.Group, g.Series)).ToArray();
            if (all.Length < 2) throw new InputError($"{file}: column {column} has one value ({all[0].Name}); a comparison needs two or more groups");

            return FitCommand.FitOrExplain(file, () =>
            {
                IReadOnlyList<GroupSeries> series;
                string referenceGroup;
                PermutationResult? permutation = null;
                if (treatedName is null)
                {
                    referenceGroup = referenceName ?? all[^1].Name;
                    if (all.All(g => g.Name != referenceGroup)) throw new InputError($"--reference {referenceGroup}: no row has {column}={referenceGroup} (values: {string.Join(", ", all.Select(g => g.Name))})");
                    series = all;
                }
                else
                {
                    var treatedSeries = all.FirstOrDefault(g => g.Name == treatedName)
                        ?? throw new InputError($"--treated {treatedName}: no row has {column}={treatedName} (values: {string.Join(", ", all.Select(g => g.Name))})");
                    var controlUnits = all.Where(g => g.Name != treatedName).ToArray();
                    if (p.GetValue(permute))
                        permutation = GroupComparison.Permute(treatedSeries, controlUnits, spec, scope);
                    if (controlUnits.Length == 1)
                    {
                        referenceGroup = controlUnits[0].Name;
                        series = all;
                    }
                    else
                    {
                        referenceGroup = $"controls ({controlUnits.Length} {(stack ? "stacked" : "averaged")})";
                        series = stack
                            ? all.Select(g => g.Name == treatedName ? g : new GroupSeries(referenceGroup, g.Series, g.Name)).ToArray()
                            : [PanelSeries.Average(controlUnits, referenceGroup), treatedSeries];
                    }
                }
                var result = GroupComparison.Fit(series, spec, referenceGroup, scope);
                // Linden's (2015) figure: the treated group (or the first compared one) against the reference.
                string shown = treatedName ?? result.Groups.First(g => g.Name != referenceGroup).Name;
                FigureOption.Write(figureFile, f => FigureExport.Write(ItsFigure.From(result, shown, referenceGroup), f));
                output.Write(ComparisonReport.Render(result, format, permutation));
                if (format == ReportFormat.Json) output.WriteLine();
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
