using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Completion;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Text;

namespace Its.Notebooks.Engine;

/// <summary>Completions of the code being edited at a cursor.</summary>
/// <param name="Matches">The texts to insert, in Roslyn's order; empty when nothing completes there.</param>
/// <param name="Start">The start of the UTF-16 span of the code the match replaces: the word being typed.</param>
/// <param name="End">The end (exclusive) of that span.</param>
public sealed record Completions(IReadOnlyList<string> Matches, int Start, int End)
{
    /// <summary>
    /// What each match is, in the order of <see cref="Matches"/>, in the words IPython gives
    /// front ends: <c>function</c>, <c>class</c>, <c>property</c>, <c>instance</c> (a field,
    /// variable, parameter or constant), <c>module</c> (a namespace), <c>keyword</c>, or empty.
    /// </summary>
    public IReadOnlyList<string> Types { get; init; } = [];
}

/// <summary>What the symbol under a cursor is, as plain text.</summary>
/// <param name="Text">
/// The signature line, then the summary, parameters and return value of its XML documentation
/// when known; a detailed inspection adds the remarks.
/// </param>
public sealed record Inspection(string Text);

/// <summary>
/// Completion and inspection of a session's code, by Roslyn's own services, as the C# Interactive
/// window does it: each cell that compiled is a submission project referencing the previous one,
/// and the code being edited is a new submission at the end of the chain. Nothing runs, and the
/// session's state is not touched: the chain is an immutable solution of its own.
/// </summary>
internal sealed partial class CodeAssistant(ScriptEnvironment environment)
{
    // The MEF container of the Features assemblies takes seconds to build: once per process.
    private static readonly Lazy<AdhocWorkspace> workspace = new(() => new AdhocWorkspace(MefHostServices.DefaultHost));

    private static readonly SymbolDisplayFormat signature = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMemberOptions(SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeConstantValue)
        .AddParameterOptions(SymbolDisplayParameterOptions.IncludeDefaultValue)
        .AddGenericsOptions(SymbolDisplayGenericsOptions.IncludeTypeConstraints)
        .AddKindOptions(SymbolDisplayKindOptions.IncludeTypeKeyword | SymbolDisplayKindOptions.IncludeMemberKeyword);

    // A cell's own variables and functions are members of its script class, whose name says nothing.
    private static readonly SymbolDisplayFormat scriptMember = signature.RemoveMemberOptions(SymbolDisplayMemberOptions.IncludeContainingType);

    private readonly object _gate = new();
    private readonly List<(string Code, ScriptOptions Options)> _pending = [];
    private Solution? _solution;
    private ProjectId? _last;
    private ImmutableHashSet<MetadataReference> _chained = [];
    private int _count;
    private bool _catchingUp;

    /// <summary>Builds the MEF host and completes once, so that the first completion a user asks for is fast.</summary>
    public static void Warm(ScriptEnvironment environment) => new CodeAssistant(environment).Complete("Console.", 8, environment.Options);

    /// <summary>Adds a cell that compiled to the chain.</summary>
    /// <param name="code">The cell as written.</param>
    /// <param name="options">The script options it compiled with, for its <c>#r</c> and <c>#load</c> paths and packages.</param>
    public void Add(string code, ScriptOptions options)
    {
        // Completion sees only what cells declare: a cell that declares nothing need not be in the chain.
        if (!Declares(code)) return;
        lock (_gate)
        {
            _pending.Add((code, options));
            // Until a completion is asked for (never in a notebook run) the cells are only kept;
            // after, the chain keeps up off the cells' time, so that a completion after hundreds of
            // cells does not first compile them all.
            if (_solution is null || _catchingUp) return;
            _catchingUp = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(_ => CatchUp(), null);
    }

    // Whether a later cell could name something of this one: anything but expression statements
    // (a call, an assignment, a value shown) without usings, directives or declared variables
    // (an out var or a pattern variable at the top of a script is a field of it).
    private static bool Declares(string code)
    {
        if (CellSource.Mask(code) is not { } text) return false;
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(text, ScriptEnvironment.ParseOptions).GetRoot();
        return root.Usings.Count > 0 || root.Externs.Count > 0 || root.AttributeLists.Count > 0
            || root.GetReferenceDirectives().Count > 0 || root.GetLoadDirectives().Count > 0
            || root.Members.Any(m => m is not GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }
                || statement.DescendantNodes().OfType<VariableDesignationSyntax>().Any());
    }

    private void CatchUp()
    {
        try
        {
            while (true)
            {
                Solution solution;
                ProjectId? last;
                lock (_gate)
                {
                    if (_pending.Count == 0)
                    {
                        _catchingUp = false;
                        return;
                    }
                    (solution, last, _) = Chain();
                }
                solution.GetProject(last!)!.GetCompilationAsync().GetAwaiter().GetResult()?.GetDeclarationDiagnostics();
            }
        }
        catch (Exception)
        {
            // Only the next completion's speed depends on it: that completion builds what is left.
            lock (_gate) _catchingUp = false;
        }
    }

    /// <summary>The completions at the cursor.</summary>
    /// <param name="code">The cell being edited, with any directives.</param>
    /// <param name="cursor">A UTF-16 offset into the code.</param>
    /// <param name="options">The session's script options, for <c>#r</c> and <c>#load</c> paths.</param>
    public Completions Complete(string code, int cursor, ScriptOptions options)
    {
        var document = Submission(code, cursor, options);
        if (document is null) return new Completions([], cursor, cursor);
        var service = CompletionService.GetService(document) ?? throw new InvalidOperationException("Roslyn has no completion service for C#");
        var list = service.GetCompletionsAsync(document, cursor).GetAwaiter().GetResult();
        var span = list.Span;
        string typed = code[span.Start..Math.Max(span.Start, cursor)];
        var matches = list.ItemsList
            .Where(item => item.FilterText.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Order()
            .Select(item => (Text: item.Properties.TryGetValue("InsertionText", out string? insertion) ? insertion : item.DisplayText, Type: Kind(item.Tags)))
            .DistinctBy(match => match.Text)
            .ToList();
        return new Completions([.. matches.Select(m => m.Text)], span.Start, span.End) { Types = [.. matches.Select(m => m.Type)] };
    }

    // Roslyn's tags (WellKnownTags) as the kinds of IPython's completer.
    private static string Kind(ImmutableArray<string> tags) =>
        tags.Select(tag => tag switch
        {
            "Method" or "ExtensionMethod" or "Operator" => "function",
            "Class" or "Structure" or "Interface" or "Enum" or "Delegate" or "TypeParameter" => "class",
            "Property" => "property",
            "Field" or "Local" or "Parameter" or "Constant" or "EnumMember" or "Event" or "RangeVariable" => "instance",
            "Namespace" => "module",
            "Keyword" => "keyword",
            _ => null,
        }).FirstOrDefault(kind => kind is not null) ?? "";

    /// <summary>The symbol under the cursor, or the method whose arguments it is in; null when there is none.</summary>
    /// <param name="code">The cell being edited, with any directives.</param>
    /// <param name="cursor">A UTF-16 offset into the code.</param>
    /// <param name="detailed">Adds the remarks and exceptions of the symbol's documentation.</param>
    /// <param name="options">The session's script options, for <c>#r</c> and <c>#load</c> paths.</param>
    public Inspection? Inspect(string code, int cursor, bool detailed, ScriptOptions options)
    {
        var document = Submission(code, cursor, options);
        if (document is null) return null;
        var model = document.GetSemanticModelAsync().GetAwaiter().GetResult()!;
        var symbol = SymbolFinder.FindSymbolAtPositionAsync(model, cursor, document.Project.Solution.Workspace).GetAwaiter().GetResult()
            ?? Called(model, cursor);
        if (symbol is null) return null;
        var text = new StringBuilder(Signature(symbol, model, cursor));
        if (Documentation(symbol, model.Compilation, 0) is { } docs) Describe(docs, detailed, text);
        return new Inspection(text.ToString().TrimEnd());
    }

    // A new submission at the end of the chain holding the code, its directives blanked; null for markdown.
    private Document? Submission(string code, int cursor, ScriptOptions options)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentOutOfRangeException.ThrowIfNegative(cursor);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cursor, code.Length);
        if (CellSource.Mask(code) is not { } text) return null;
        Solution solution;
        ProjectId? last;
        ImmutableHashSet<MetadataReference> chained;
        lock (_gate) (solution, last, chained) = Chain();
        var info = Project(text, last, options, chained);
        return solution.AddProject(info).GetDocument(info.Documents[0].Id);
    }

    // The chain with the cells added since it was last built; under the gate.
    private (Solution Solution, ProjectId? Last, ImmutableHashSet<MetadataReference> Chained) Chain()
    {
        _solution ??= workspace.Value.CurrentSolution;
        foreach (var (cell, options) in _pending)
        {
            var project = Project(cell, _last, options, _chained);
            _solution = _solution.AddProject(project);
            _last = project.Id;
            _chained = _chained.Union(project.MetadataReferences);
        }
        _pending.Clear();
        return (_solution, _last, _chained);
    }

    // A submission inherits the references of the ones before it: it names only those the chain
    // lacks (all of them for the first; a restored package's after its cell), since references
    // named again are kept again by every later compilation.
    private ProjectInfo Project(string code, ProjectId? previous, ScriptOptions options, ImmutableHashSet<MetadataReference> chained)
    {
        string name = $"Submission#{Interlocked.Increment(ref _count)}";
        var id = ProjectId.CreateNewId(name);
        var compilation = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            usings: options.Imports,
            sourceReferenceResolver: options.SourceResolver,
            metadataReferenceResolver: options.MetadataResolver);
        var document = DocumentInfo.Create(
            DocumentId.CreateNewId(id, name),
            name,
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(code), VersionStamp.Create())),
            sourceCodeKind: SourceCodeKind.Script);
        return ProjectInfo.Create(
            id, VersionStamp.Create(), name, name, LanguageNames.CSharp,
            compilationOptions: compilation,
            parseOptions: ScriptEnvironment.ParseOptions,
            documents: [document],
            projectReferences: previous is null ? [] : [new ProjectReference(previous)],
            // With the packages the session restored.
            metadataReferences: environment.DocumentedReferences.AddRange(options.MetadataReferences.Except(environment.Options.MetadataReferences)).Where(r => !chained.Contains(r)),
            isSubmission: true,
            hostObjectType: typeof(NotebookGlobals));
    }

    /// <summary>
    /// The references of a script, each with the documentation file beside it. The runtime's own
    /// assemblies have none; the targeting pack's reference assemblies of the same version do, so
    /// they stand in for them when the SDK is installed.
    /// </summary>
    public static ImmutableArray<MetadataReference> DocumentedReferences(Script root)
    {
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var resolved = root.GetCompilation().References.OfType<PortableExecutableReference>()
            .Select(r => r.FilePath).OfType<string>().ToList();
        var framework = TargetingPack(runtime) is { } pack
            ? Directory.EnumerateFiles(pack, "*.dll").ToList()
            : resolved.Where(p => p.StartsWith(runtime, StringComparison.Ordinal)).ToList();
        var rest = resolved.Where(p => !p.StartsWith(runtime, StringComparison.Ordinal));
        return [.. framework.Concat(rest).Distinct().Select(Documented)];
    }

    private static MetadataReference Documented(string path)
    {
        string xml = Path.ChangeExtension(path, ".xml");
        return MetadataReference.CreateFromFile(path, documentation: File.Exists(xml) ? XmlDocumentationProvider.CreateFromFile(xml) : null);
    }

    // <dotnet root>/packs/Microsoft.NETCore.App.Ref/<runtime version>/ref/net<major>.<minor>; null when absent.
    private static string? TargetingPack(string runtime)
    {
        var version = new DirectoryInfo(runtime);
        if (version.Parent?.Parent?.Parent is not { } root) return null;
        string pack = Path.Combine(root.FullName, "packs", "Microsoft.NETCore.App.Ref", version.Name, "ref", $"net{Environment.Version.Major}.{Environment.Version.Minor}");
        return Directory.Exists(pack) ? pack : null;
    }

    // Inside an argument list with nothing under the cursor, the method being called.
    private static ISymbol? Called(SemanticModel model, int cursor)
    {
        var token = model.SyntaxTree.GetRoot().FindToken(Math.Max(cursor - 1, 0));
        var arguments = token.Parent?.AncestorsAndSelf().OfType<BaseArgumentListSyntax>()
            .FirstOrDefault(a => a.Span.Start < cursor && (a.Span.End > cursor || a.GetLastToken(includeZeroWidth: true).IsMissing));
        if (arguments?.Parent is not { } call) return null;
        var info = model.GetSymbolInfo(call);
        return info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
    }

    private static string Signature(ISymbol symbol, SemanticModel model, int cursor)
    {
        var format = symbol.ContainingType is { IsScriptClass: true } ? scriptMember : signature;
        // A type by its kind and full name, which says where it comes from.
        string line = symbol is INamedTypeSymbol { IsScriptClass: false } type && Keyword(type) is { } keyword
            ? $"{keyword} {type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}"
            : symbol.ToMinimalDisplayString(model, cursor, format);
        if (symbol is IMethodSymbol method)
        {
            int overloads = (method.ReducedFrom ?? method).ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Count() - 1;
            if (overloads > 0) line += $" (+ {overloads} overload{(overloads > 1 ? "s" : "")})";
        }
        return line + "\n";
    }

    private static string? Keyword(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Class => type.IsRecord ? "record" : type.IsStatic ? "static class" : "class",
        TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
        TypeKind.Interface => "interface",
        TypeKind.Enum => "enum",
        TypeKind.Delegate => "delegate",
        _ => null,
    };

    // The symbol's documentation, with what <inheritdoc/> takes from the base member, the
    // implemented interface member or its cref; null when there is none or it does not parse.
    private static XElement? Documentation(ISymbol symbol, Compilation compilation, int depth)
    {
        symbol = (symbol as IMethodSymbol)?.ReducedFrom ?? symbol;
        string xml = symbol.OriginalDefinition.GetDocumentationCommentXml(expandIncludes: true) ?? "";
        if (xml.Length == 0) return null;
        XElement docs;
        try
        {
            docs = XElement.Parse(xml);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
        if (docs.Element("inheritdoc") is not { } inherit) return docs;
        inherit.Remove();
        var source = inherit.Attribute("cref")?.Value is { } cref
            ? DocumentationCommentId.GetFirstSymbolForDeclarationId(cref, compilation)
            : Inherited(symbol);
        // Bounded: a cref cycle must not recurse for ever.
        if (source is null || depth > 4 || Documentation(source, compilation, depth + 1) is not { } inherited) return docs;
        foreach (var element in inherited.Elements())
            if (!docs.Elements(element.Name).Any(e => e.Attribute("name")?.Value == element.Attribute("name")?.Value))
                docs.Add(element);
        return docs;
    }

    private static ISymbol? Inherited(ISymbol symbol) => symbol switch
    {
        IMethodSymbol { OverriddenMethod: { } m } => m,
        IPropertySymbol { OverriddenProperty: { } p } => p,
        INamedTypeSymbol type => type.BaseType is { SpecialType: not SpecialType.System_Object } b ? b : type.Interfaces.FirstOrDefault(),
        _ => symbol.ContainingType?.AllInterfaces.SelectMany(i => i.GetMembers(symbol.Name))
            .FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(symbol.ContainingType.FindImplementationForInterfaceMember(m), symbol)),
    };

    private static void Describe(XElement docs, bool detailed, StringBuilder text)
    {
        if (docs.Element("summary") is { } summary) text.Append('\n').Append(Plain(summary)).Append('\n');
        var parameters = docs.Elements("typeparam").Concat(docs.Elements("param")).ToList();
        if (parameters.Count > 0)
        {
            text.Append("\nParameters:\n");
            foreach (var p in parameters) text.Append($"  {p.Attribute("name")?.Value}: {Plain(p)}\n");
        }
        if (docs.Element("returns") is { } returns) text.Append($"\nReturns: {Plain(returns)}\n");
        if (docs.Element("value") is { } value) text.Append($"\nValue: {Plain(value)}\n");
        if (!detailed) return;
        if (docs.Element("remarks") is { } remarks) text.Append($"\nRemarks:\n{Plain(remarks)}\n");
        foreach (var e in docs.Elements("exception"))
            text.Append($"\nException {Cref(e.Attribute("cref")?.Value ?? "")}: {Plain(e)}\n");
    }

    // The text of a documentation element: references by their short name, paragraphs apart,
    // white space of the XML file's indentation collapsed.
    private static string Plain(XElement element)
    {
        var text = new StringBuilder();
        Append(element, text);
        var paragraphs = text.ToString().Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Spaces().Replace(p, " ").Trim())
            .Where(p => p.Length > 0);
        return string.Join("\n\n", paragraphs);
    }

    private static void Append(XNode node, StringBuilder text)
    {
        switch (node)
        {
            case XText t:
                text.Append(t.Value);
                break;
            case XElement { Name.LocalName: "see" or "seealso" } e when !e.Nodes().Any():
                text.Append(e.Attribute("langword")?.Value ?? Cref(e.Attribute("cref")?.Value ?? e.Attribute("href")?.Value ?? ""));
                break;
            case XElement { Name.LocalName: "paramref" or "typeparamref" } e:
                text.Append(e.Attribute("name")?.Value);
                break;
            case XElement { Name.LocalName: "para" or "code" or "list" } e:
                text.Append("\n\n");
                foreach (var child in e.Nodes()) Append(child, text);
                text.Append("\n\n");
                break;
            case XElement { Name.LocalName: "item" or "listheader" } e:
                text.Append("\n\n- ");
                foreach (var child in e.Nodes()) Append(child, text);
                break;
            // A table's row is a term and its description.
            case XElement { Name.LocalName: "term" } e when e.ElementsAfterSelf("description").Any():
                foreach (var child in e.Nodes()) Append(child, text);
                text.Append(": ");
                break;
            case XElement e:
                foreach (var child in e.Nodes()) Append(child, text);
                break;
        }
    }

    // "M:Its.Model.ItsModel.Fit" reads as ItsModel.Fit, "T:Its.Model.ItsSpec" as ItsSpec.
    private static string Cref(string cref)
    {
        bool member = cref.Length > 2 && cref[1] == ':' && cref[0] != 'T';
        string name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        name = name.Split('(')[0];
        var parts = name.Split('.');
        return Arity().Replace(string.Join('.', parts.TakeLast(member ? 2 : 1)), "");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    // IEnumerable`1 and Select``2 in documentation ids.
    [GeneratedRegex(@"`+\d+")]
    private static partial Regex Arity();
}
