using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Its.Notebooks.Engine;

/// <summary>A call in a cell that would end the process the notebook runs in, and where it is.</summary>
/// <param name="Location">The call's name in the cell's code.</param>
/// <param name="Call">What the cell calls, as a reader knows it (<c>Environment.Exit</c>).</param>
internal sealed record ProcessEnder(Location Location, string Call);

/// <summary>
/// Finds the calls in a cell that would end the whole process (the kernel, or the run writing the
/// report) rather than the cell: <c>Environment.Exit</c>, <c>Environment.FailFast</c> and
/// <c>Process.GetCurrentProcess().Kill()</c>. They are found by the symbols the names resolve to,
/// so <c>using static System.Environment; Exit(0);</c> and a method group are found too.
/// </summary>
internal static class ProcessEnders
{
    /// <summary>The calls, in the order they are written, in the code the compilation adds (the cell and the files it loads).</summary>
    public static IReadOnlyList<ProcessEnder> Find(Compilation compilation)
    {
        var found = new List<ProcessEnder>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            SemanticModel? model = null;
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                // Only the names these calls have need a semantic model.
                if (name.Identifier.ValueText is not ("Exit" or "FailFast" or "Kill")) continue;
                model ??= compilation.GetSemanticModel(tree);
                if (model.GetSymbolInfo(name).Symbol is IMethodSymbol method && Call(method, name, model) is { } call)
                    found.Add(new ProcessEnder(name.GetLocation(), call));
            }
        }
        return found;
    }

    private static string? Call(IMethodSymbol method, SimpleNameSyntax name, SemanticModel model)
    {
        string type = method.ContainingType.ToDisplayString();
        if (type == "System.Environment" && method.Name is "Exit" or "FailFast") return $"Environment.{method.Name}";
        // Kill of another process is what Process is for; only the notebook's own is refused.
        if (type == "System.Diagnostics.Process" && method.Name == "Kill" && name.Parent is MemberAccessExpressionSyntax { Expression: var receiver }
            && model.GetSymbolInfo(receiver is InvocationExpressionSyntax invocation ? invocation.Expression : receiver).Symbol is IMethodSymbol { Name: "GetCurrentProcess" })
            return "Process.GetCurrentProcess().Kill";
        return null;
    }
}
