using MathNet.Numerics.LinearAlgebra;

namespace Its.Effects;

/// <summary>
/// The level of a model with differenced errors (ARIMA with d + D &gt;= 1), where x'b has no level
/// because the differencing removes the intercept (and the terms it annihilates). The linear
/// predictor of series row i is <c>(x_i - A_i)'b + c_i</c>, with <c>c_i - A_i'b</c> the Kalman
/// prediction of the error u = y - X b from the pre-interruption rows: before the first
/// interruption the one-step prediction from the rows before i (R's and forecast's fitted values),
/// from it on the forecast from the whole pre-period. The counterfactual is that forecast with
/// the interruption terms removed, so the absolute effect stays the contrast of the interruption
/// coefficients and every quantity stays linear in b (the delta method applies unchanged).
/// On the diffuse first d + sD rows, where the model has no prediction, the fitted value is the
/// observation (A_i = x_i, c_i = y_i).
/// </summary>
/// <param name="Constant">c_i, one per series row.</param>
/// <param name="Adjustment">A_i, one row per series row, over the estimated columns.</param>
internal sealed record LevelAnchor(double[] Constant, Matrix<double> Adjustment);
