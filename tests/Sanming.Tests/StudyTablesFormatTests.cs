using Its.Tests;
using Its.Reporting;

namespace Sanming.Tests;

/// <summary>The study's tables follow the kit's number-formatting policy (<see cref="NumberFormat"/>), column by column, in every format.</summary>
public sealed class StudyTablesFormatTests
{
    private static readonly SanmingPanel Panel = SanmingGenerator.Generate(new GeneratorOptions { Seed = 3 });

    public static TheoryData<string> Names => new() { "main", "differences", "shares", "diagnostics", "correlograms", "effects", "by period", "spring festival", "unit costs" };

    private static Table Build(string name)
    {
        var plan = new StudyPlan();
        return name switch
        {
            "main" => StudyPlan.MainTable(plan.Run(Panel)),
            "differences" => StudyPlan.DifferenceTable(plan.Compare(Panel)),
            "shares" => StudyPlan.ShareTable(plan.Shares(Panel)),
            "diagnostics" => StudyTables.Diagnostics(plan.Run(Panel)),
            "correlograms" => StudyTables.Correlograms(plan.Run(Panel)),
            "effects" => StudyTables.Effects(plan.Run(Panel)),
            "by period" => Descriptives.ByPeriod(Panel),
            "spring festival" => Descriptives.SpringFestival(Panel),
            "unit costs" => UnitCosts.Table(UnitCosts.Fit(plan, Panel)),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_study_table_has_one_format_per_column(string name)
    {
        var table = Build(name);
        Assert.True(TableAudit.Check(table) > 0, "no column of numbers");
        TableAudit.CheckAlignment(table);
        // Text columns (outcome, group) on the left, numbers on the right.
        Assert.False(table.IsNumeric(0) && table.Columns[0] == "outcome");
    }

    [Fact]
    public void Percents_have_two_decimals_and_counts_are_grouped_integers()
    {
        var main = Build("main");
        foreach (var row in main.Rows)
            foreach (string n in TableAudit.Numbers(row[2]))
                Assert.Equal(2, TableAudit.Decimals(n));
        var effects = Build("effects");
        foreach (var row in effects.Rows)
            for (int j = 4; j <= 6; j++)
            {
                Assert.DoesNotContain(".", row[j], StringComparison.Ordinal);
                Assert.Matches(@"^-?\d{1,3}(,\d{3})*$", row[j]);
            }
    }
}
