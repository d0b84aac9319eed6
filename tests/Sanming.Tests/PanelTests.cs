using Its.Data;

namespace Sanming.Tests;

/// <summary>Derived series, the DataFrame view, and the loader's refusals.</summary>
public sealed class PanelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sanming-tests-").FullName;
    private static readonly SanmingPanel Panel = SanmingGenerator.Generate(new GeneratorOptions { Seed = 3 });

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void City_is_hospitals_plus_chsis_and_shares_and_ratios_follow()
    {
        var city = Panel.Series(SanmingPanel.City, Outcome.OutpatientVisits).Outcome;
        var hospital = Panel.Series(Calibration.Hospital, Outcome.OutpatientVisits).Outcome;
        var chsi = Panel.Series(Calibration.Chsi, Outcome.OutpatientVisits).Outcome;
        var share = Panel.ChsiShare(Outcome.OutpatientVisits).Outcome;
        for (int i = 0; i < city.Count; i++)
        {
            Assert.Equal(hospital[i] + chsi[i], city[i]);
            Assert.Equal(100 * chsi[i] / city[i], share[i], 12);
        }
        var perVisit = Panel.ExpenditurePer(Calibration.Hospital, Outcome.OutpatientVisits);
        Assert.Equal(Panel.Rows[0].ExpenditureYuan / Panel.Rows[0].OutpatientVisits, perVisit.Outcome[0], 12);
        Assert.Contains("spring_festival", perVisit.Covariates.Keys);
    }

    [Fact]
    public void The_dataframe_has_the_file_columns()
    {
        var frame = Panel.ToDataFrame();
        Assert.Equal(94, frame.Rows.Count);
        Assert.Equal(SanmingPanel.Columns, frame.Columns.Select(c => c.Name));
        Assert.Equal(Panel.Rows[5].OutpatientVisits, (double)frame["outpatient_visits"][5]!);
    }

    private string Write(string text)
    {
        string path = Path.Combine(_folder, "panel.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Real_data_with_extra_types_and_columns_load()
    {
        var lines = Panel.ToCsv().TrimEnd('\n').Split('\n').ToList();
        var wide = lines.Select((l, i) => i == 0 ? l + ",beds" : l + ",100").ToList();
        wide.AddRange(lines.Skip(1).Where(l => l.Contains(",chsi,", StringComparison.Ordinal)).Select(l => l.Replace(",chsi,", ",township,", StringComparison.Ordinal) + ",7"));
        var panel = SanmingLoader.Load(Write(string.Join("\n", wide) + "\n"));
        Assert.Equal([Calibration.Hospital, Calibration.Chsi, "township"], panel.InstitutionTypes);
        Assert.Equal([SanmingPanel.City, Calibration.Hospital, Calibration.Chsi, "township"], panel.Groups);
        Assert.Equal(12, new StudyPlan().Run(panel).Count);
    }

    public static TheoryData<string, Func<string, string>, string[]> BadFiles() => new()
    {
        { "missing column", t => t.Replace("inpatient_admissions,", "admissions,", StringComparison.Ordinal), ["no column 'inpatient_admissions'", "Sanming schema"] },
        { "no chsi rows", t => string.Join("\n", t.Split('\n').Where(l => !l.Contains(",chsi,", StringComparison.Ordinal))), ["no 'chsi' rows"] },
        { "zero visits", t => ReplaceField(t, 3, 3, "0"), ["row 3", "column outpatient_visits", "not positive"] },
        { "text in a count", t => ReplaceField(t, 4, 4, "many"), ["row 4", "column inpatient_admissions", "'many' is not a number"] },
        { "bad month", t => ReplaceField(t, 6, 0, "2016-15"), ["row 6", "column month", "month 15"] },
        { "missing month", t => string.Join("\n", t.Split('\n').Where(l => !l.StartsWith("2017-05,hospital", StringComparison.Ordinal))), ["2017-04", "2017-06", "every month must be present"] },
        { "duplicate month", t => ReplaceField(t, 6, 0, "2016-04"), ["column month", "2016-04 appears twice"] },
        { "months differ between types", t => string.Join("\n", t.Split('\n').Where(l => !l.StartsWith("2019-11,chsi", StringComparison.Ordinal))), ["chsi covers 2016-01 to 2019-10", "hospital covers 2016-01 to 2019-11"] },
        { "festival weight above 1", t => ReplaceField(t, 2, 5, "2"), ["spring_festival is 2", "0 to 1"] },
        { "empty institution type", t => ReplaceField(t, 2, 1, ""), ["row 2", "column institution_type", "missing value"] },
    };

    private static string ReplaceField(string text, int line, int field, string value)
    {
        var lines = text.Split('\n');
        var fields = lines[line - 1].Split(',');
        fields[field] = value;
        lines[line - 1] = string.Join(",", fields);
        return string.Join("\n", lines);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_files_are_refused_with_their_place(string name, Func<string, string> spoil, string[] fragments)
    {
        string path = Write(spoil(Panel.ToCsv()));
        var e = Assert.Throws<InputError>(() => SanmingLoader.Load(path));
        Assert.StartsWith(path, e.Message);
        foreach (string f in fragments) Assert.True(e.Message.Contains(f, StringComparison.Ordinal), $"{name}: '{f}' not in: {e.Message}");
    }
}
