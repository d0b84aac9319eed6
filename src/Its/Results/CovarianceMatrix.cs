using MathNet.Numerics.LinearAlgebra;

namespace Its.Results;

/// <summary>The k x k covariance of a fit's coefficients, in design order; read-only.</summary>
public sealed class CovarianceMatrix
{
    private readonly double[] _values; // row-major

    /// <summary>A copy of a square matrix.</summary>
    /// <exception cref="ArgumentException">The matrix is not square.</exception>
    public CovarianceMatrix(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.GetLength(0) != values.GetLength(1))
            throw new ArgumentException($"a covariance matrix is square, not {values.GetLength(0)} x {values.GetLength(1)}", nameof(values));
        Size = values.GetLength(0);
        _values = new double[Size * Size];
        for (int i = 0; i < Size; i++)
            for (int j = 0; j < Size; j++) _values[i * Size + j] = values[i, j];
    }

    internal CovarianceMatrix(Matrix<double> values)
    {
        if (values.RowCount != values.ColumnCount)
            throw new ArgumentException($"a covariance matrix is square, not {values.RowCount} x {values.ColumnCount}", nameof(values));
        Size = values.RowCount;
        _values = new double[Size * Size];
        for (int i = 0; i < Size; i++)
            for (int j = 0; j < Size; j++) _values[i * Size + j] = values[i, j];
    }

    /// <summary>Number of rows (and columns): the coefficients.</summary>
    public int Size { get; }

    /// <summary>cov(b_i, b_j).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside 0..Size-1.</exception>
    public double this[int i, int j]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Size, nameof(i));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)j, (uint)Size, nameof(j));
            return _values[i * Size + j];
        }
    }

    /// <summary>A copy as a two-dimensional array.</summary>
    public double[,] ToArray()
    {
        var copy = new double[Size, Size];
        for (int i = 0; i < Size; i++)
            for (int j = 0; j < Size; j++) copy[i, j] = _values[i * Size + j];
        return copy;
    }

    /// <summary>The entries row by row.</summary>
    public IReadOnlyList<double> Values => Array.AsReadOnly(_values);

    internal Matrix<double> ToMatrix() => Matrix<double>.Build.Dense(Size, Size, (i, j) => _values[i * Size + j]);
}
