using Its.Notebooks.Engine;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Its.Notebooks.Tests;

/// <summary>
/// A session in a notebook's directory: relative paths and <c>#r "file.dll"</c> are the
/// notebook's, messages do not show where the notebook is, and the process's directory is left
/// as it was.
/// </summary>
[Collection(NotebookFolder.Name)]
public sealed class NotebookDirectoryTests : NotebookFolder
{
    [Fact]
    public void Cells_read_relative_paths_from_the_notebook_s_folder()
    {
        File.WriteAllText(Path.Combine(Folder, "data.txt"), "from the notebook's folder");
        string before = Environment.CurrentDirectory;
        var session = new NotebookSession(new PlainFormatter(), Folder);
        var result = session.RunCell("File.ReadAllText(\"data.txt\")", 1);
        Assert.Equal("from the notebook's folder", Assert.IsType<Nbformat.ExecuteResultOutput>(Assert.Single(result.Outputs)).Data.PlainText);
        Assert.Equal(before, Environment.CurrentDirectory);
    }

    [Fact]
    public void A_missing_directory_is_refused()
    {
        string missing = Path.Combine(Folder, "missing");
        var e = Assert.Throws<DirectoryNotFoundException>(() => new NotebookSession(new PlainFormatter(), missing));
        Assert.Equal($"the notebook's directory {missing} does not exist", e.Message);
    }

    [Fact]
    public void Errors_do_not_show_the_notebook_s_folder()
    {
        var session = new NotebookSession(new PlainFormatter(), Folder);
        var error = session.RunCell("File.ReadAllText(\"missing.csv\")", 1).Error!;
        Assert.Equal("FileNotFoundException", error.Name);
        Assert.Equal("Could not find file 'missing.csv'.", error.Value);
        Assert.DoesNotContain(Folder, string.Join("\n", error.Traceback));
        // The directory alone becomes "."; a longer name that starts like it stays as it is.
        var named = session.RunCell("throw new Exception(Environment.CurrentDirectory + \"|\" + Environment.CurrentDirectory + \"2\");", 2).Error!;
        Assert.Equal($".|{Folder}2", named.Value);
    }

    [Fact]
    public void A_dll_beside_the_notebook_is_referenced_by_its_relative_path()
    {
        var compilation = CSharpCompilation.Create(
            "Greeter",
            [CSharpSyntaxTree.ParseText("public static class Greeter { public static string Hello(string name) => \"hello, \" + name; }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.True(compilation.Emit(Path.Combine(Folder, "Greeter.dll")).Success);
        var session = new NotebookSession(new PlainFormatter(), Folder);
        var result = session.RunCell("#r \"Greeter.dll\"\nGreeter.Hello(\"notebook\")", 1);
        Assert.Equal("hello, notebook", Assert.IsType<Nbformat.ExecuteResultOutput>(Assert.Single(result.Outputs)).Data.PlainText);
        var missing = session.RunCell("#r \"Missing.dll\"", 2);
        Assert.Equal("CompilationError", missing.Error!.Name);
        Assert.Contains("Missing.dll", missing.Error.Value);
        Assert.Equal(1, missing.ErrorLine);
    }
}
