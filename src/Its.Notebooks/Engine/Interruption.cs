using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Its.Notebooks.Engine;

/// <summary>A cell stopped by an interrupt (a Jupyter front end's stop button, or a timeout).</summary>
public sealed class CellInterruptedException() : OperationCanceledException("the cell was interrupted");

/// <summary>
/// Where a running cell can be stopped. .NET cannot stop a thread that is computing, so the engine
/// puts a call to <see cref="Check"/> at the top of every loop body and every block-bodied method,
/// local function and lambda a cell declares: an interrupted cell stops at its next iteration or
/// call. A cell waiting or sleeping is woken instead. Code outside the cell (a library call) runs
/// on until it returns to the cell.
/// </summary>
public static class Interruption
{
    // How many interrupts are pending in the process: the check a loop pays is one read of it.
    private static int pending;

    /// <summary>Throws <see cref="CellInterruptedException"/> when the running cell has been interrupted; returns at once otherwise.</summary>
    /// <exception cref="CellInterruptedException">The cell that called it has been interrupted.</exception>
    public static void Check()
    {
        if (Volatile.Read(ref pending) != 0 && CellOutputs.Current is { IsInterrupted: true })
            throw new CellInterruptedException();
    }

    internal static void Raise() => Interlocked.Increment(ref pending);

    internal static void Lower() => Interlocked.Decrement(ref pending);

    private const string Call = "global::Its.Notebooks.Engine.Interruption.Check();";

    /// <summary>
    /// The cell's code with <see cref="Check"/> at the top of each loop body and block body it
    /// declares. Insertions never add a line break, so lines keep their numbers.
    /// </summary>
    internal static string Instrument(string code, CSharpParseOptions options)
    {
        var root = CSharpSyntaxTree.ParseText(code, options).GetRoot();
        var changes = new List<TextChange>();
        foreach (var node in root.DescendantNodes())
        {
            SyntaxNode? body = node switch
            {
                ForStatementSyntax s => s.Statement,
                ForEachStatementSyntax s => s.Statement,
                ForEachVariableStatementSyntax s => s.Statement,
                WhileStatementSyntax s => s.Statement,
                DoStatementSyntax s => s.Statement,
                BaseMethodDeclarationSyntax m => m.Body,
                LocalFunctionStatementSyntax f => f.Body,
                AnonymousFunctionExpressionSyntax f => f.Block,
                AccessorDeclarationSyntax a => a.Body,
                _ => null,
            };
            switch (body)
            {
                case BlockSyntax { OpenBraceToken.IsMissing: false } block:
                    changes.Add(new TextChange(new TextSpan(block.OpenBraceToken.Span.End, 0), Call));
                    break;
                case StatementSyntax statement when node is not BaseMethodDeclarationSyntax and not LocalFunctionStatementSyntax:
                    changes.Add(new TextChange(new TextSpan(statement.SpanStart, 0), "{" + Call));
                    changes.Add(new TextChange(new TextSpan(statement.Span.End, 0), "}"));
                    break;
            }
        }
        return changes.Count == 0 ? code : SourceText.From(code).WithChanges(changes.OrderBy(c => c.Span.Start)).ToString();
    }
}
