using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Its.Notebooks.Engine;

/// <summary>A cell stopped by an interrupt (a Jupyter front end's stop button, or a timeout).</summary>
public sealed class CellInterruptedException() : OperationCanceledException("the cell was interrupted");

/// <summary>
/// Where a running cell can be stopped. .NET cannot stop a thread that is computing, so the engine
/// puts a call to <see cref="Check"/> at the top of every loop body, and to <see cref="Enter"/> at
/// the top of every method, local function and block-bodied lambda a cell declares: an
/// interrupted cell stops at its next iteration or call. A cell waiting or sleeping is woken
/// instead. Code outside the cell (a library call) runs on until it returns to the cell.
/// </summary>
/// <remarks>
/// A stack overflow ends a .NET process and cannot be caught, so <see cref="Enter"/> also refuses
/// a call when the thread's stack is nearly full: a recursion in the cell that does not end fails
/// the cell with <see cref="InsufficientExecutionStackException"/> instead of ending the kernel or
/// the run.
/// </remarks>
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

    /// <summary>
    /// <see cref="Check"/>, then throws <see cref="InsufficientExecutionStackException"/> when the
    /// thread's stack is too full for another call to be safe.
    /// </summary>
    /// <exception cref="CellInterruptedException">The cell that called it has been interrupted.</exception>
    /// <exception cref="InsufficientExecutionStackException">The stack is nearly full: a recursion too deep, or one that does not end.</exception>
    public static void Enter()
    {
        Check();
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new InsufficientExecutionStackException("deep recursion: the cell's calls nest so deep that the thread's stack is nearly full (a recursion that does not end?); end the recursion sooner, or use a loop");
    }

    internal static void Raise() => Interlocked.Increment(ref pending);

    internal static void Lower() => Interlocked.Decrement(ref pending);

    private const string Call = "global::Its.Notebooks.Engine.Interruption.Check();";
    private const string EnterCall = "global::Its.Notebooks.Engine.Interruption.Enter();";

    /// <summary>
    /// The cell's code with <see cref="Check"/> at the top of each loop body, and
    /// <see cref="Enter"/> at the top of each method, local function, accessor and block-bodied
    /// lambda it declares (an expression body of a method or local function becomes a block).
    /// Insertions never add a line break, so lines keep their numbers.
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
            bool loop = node is ForStatementSyntax or ForEachStatementSyntax or ForEachVariableStatementSyntax or WhileStatementSyntax or DoStatementSyntax;
            switch (body)
            {
                case BlockSyntax { OpenBraceToken.IsMissing: false } block:
                    changes.Add(new TextChange(new TextSpan(block.OpenBraceToken.Span.End, 0), loop ? Call : EnterCall));
                    break;
                case StatementSyntax statement when node is not BaseMethodDeclarationSyntax and not LocalFunctionStatementSyntax:
                    changes.Add(new TextChange(new TextSpan(statement.SpanStart, 0), "{" + Call));
                    changes.Add(new TextChange(new TextSpan(statement.Span.End, 0), "}"));
                    break;
            }
            if (ExpressionBody(node) is { } arrow) changes.AddRange(arrow);
        }
        return changes.Count == 0 ? code : SourceText.From(code).WithChanges(changes.OrderBy(c => c.Span.Start)).ToString();
    }

    // `=> e;` of a method or local function as `{Enter(); return e;}` (or `{Enter(); e;}` when it
    // returns nothing), changing only the arrow and the semicolon so that checks inside e stay
    // apart. A lambda's expression body is left alone: whether it returns a value is not written.
    private static TextChange[]? ExpressionBody(SyntaxNode node)
    {
        var (arrow, semicolon, returns) = node switch
        {
            MethodDeclarationSyntax m => (m.ExpressionBody, m.SemicolonToken, Returns(m.ReturnType, m.Modifiers)),
            LocalFunctionStatementSyntax f => (f.ExpressionBody, f.SemicolonToken, Returns(f.ReturnType, f.Modifiers)),
            OperatorDeclarationSyntax o => (o.ExpressionBody, o.SemicolonToken, true),
            ConversionOperatorDeclarationSyntax c => (c.ExpressionBody, c.SemicolonToken, true),
            BaseMethodDeclarationSyntax b => (b.ExpressionBody, b.SemicolonToken, false),
            _ => (null, default, false),
        };
        if (arrow is null || arrow.ArrowToken.IsMissing || semicolon.IsMissing) return null;
        string start = "{" + EnterCall + (returns && arrow.Expression is not ThrowExpressionSyntax ? "return " : "");
        return [new TextChange(arrow.ArrowToken.Span, start), new TextChange(semicolon.Span, ";}")];
    }

    // Whether a body returns a value: not void, and not an async method's Task or ValueTask.
    private static bool Returns(TypeSyntax type, SyntaxTokenList modifiers)
    {
        if (type is PredefinedTypeSyntax predefined && predefined.Keyword.IsKind(SyntaxKind.VoidKeyword)) return false;
        var name = type is QualifiedNameSyntax qualified ? qualified.Right : type as SimpleNameSyntax;
        return !(modifiers.Any(SyntaxKind.AsyncKeyword) && name is IdentifierNameSyntax { Identifier.ValueText: "Task" or "ValueTask" });
    }
}
