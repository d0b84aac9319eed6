using System.Text.Json.Nodes;
using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Tests;

/// <summary>Reading and writing nbformat 4: sources, ids, metadata kept, bad files refused by name.</summary>
public sealed class NotebookFormatTests
{
    private const string Sample = """
        {
          "nbformat": 4, "nbformat_minor": 2,
          "metadata": { "kernelspec": { "name": "csharp" }, "unknown": { "kept": [1, 2] } },
          "cells": [
            { "cell_type": "markdown", "id": "intro", "metadata": { "tags": ["x"] }, "source": ["# Title\n", "text"] },
            { "cell_type": "code", "metadata": {}, "source": "var x = 1;\nx", "execution_count": 4,
              "outputs": [{ "output_type": "stream", "name": "stdout", "text": "old" }] },
            { "cell_type": "raw", "id": "intro", "metadata": {}, "source": [] }
          ]
        }
        """;

    [Fact]
    public void Sources_as_text_or_lines_read_alike()
    {
        var notebook = Notebook.Parse(Sample, "sample.ipynb");
        Assert.Equal(["# Title\ntext", "var x = 1;\nx", ""], notebook.Cells.Select(c => c.Source));
        Assert.Equal(["markdown", "code", "raw"], notebook.Cells.Select(c => c.Type));
    }

    [Fact]
    public void Missing_and_repeated_ids_are_filled_from_the_position()
    {
        var notebook = Notebook.Parse(Sample, "sample.ipynb");
        Assert.Equal(["intro", "cell-2", "cell-3"], notebook.Cells.Select(c => c.Id));
    }

    [Fact]
    public void Outputs_are_not_read_and_unknown_metadata_is_kept()
    {
        var notebook = Notebook.Parse(Sample, "sample.ipynb");
        Assert.Null(notebook.Cells[1].ExecutionCount);
        Assert.Empty(notebook.Cells[1].Outputs);
        var written = JsonNode.Parse(notebook.ToJson())!;
        Assert.Equal("[1,2]", written["metadata"]!["unknown"]!["kept"]!.ToJsonString());
        Assert.Equal("[\"x\"]", written["cells"]![0]!["metadata"]!["tags"]!.ToJsonString());
        Assert.Equal(5, written["nbformat_minor"]!.GetValue<int>());
        Assert.Equal("[\"var x = 1;\\n\",\"x\"]", written["cells"]![1]!["source"]!.ToJsonString());
    }

    [Fact]
    public void Writing_what_was_read_gives_the_same_text()
    {
        string once = Notebook.Parse(Sample, "sample.ipynb").ToJson();
        Assert.Equal(once, Notebook.Parse(once, "sample.ipynb").ToJson());
        Assert.EndsWith("}\n", once);
    }

    [Theory]
    [InlineData("{ \"nbformat\": 4, ", "bad.ipynb: not valid JSON")]
    [InlineData("[1, 2]", "bad.ipynb: not a notebook (the JSON is not an object)")]
    [InlineData("{ \"nbformat\": 3, \"cells\": [] }", "bad.ipynb: not an nbformat 4 notebook (nbformat is 3)")]
    [InlineData("{ \"cells\": [] }", "bad.ipynb: not an nbformat 4 notebook (nbformat is missing)")]
    [InlineData("{ \"nbformat\": 4 }", "bad.ipynb: no cells array")]
    [InlineData("{ \"nbformat\": 4, \"cells\": [{ \"cell_type\": \"heading\", \"source\": \"\" }] }", "bad.ipynb: cell 1 has cell_type 'heading' (expected code, markdown or raw)")]
    [InlineData("{ \"nbformat\": 4, \"cells\": [{ \"cell_type\": \"code\", \"source\": 3 }] }", "bad.ipynb: cell 1: source is neither text nor a list of text lines")]
    public void A_bad_notebook_is_refused_with_its_name(string json, string message)
    {
        var e = Assert.Throws<NotebookFormatException>(() => Notebook.Parse(json, "bad.ipynb"));
        Assert.StartsWith(message, e.Message);
    }
}
