# Stata `prais` written out in R, shared by gaussian.R and bench/coverage.R. Sourced, not run.

# Prais-Winsten (corc = FALSE) and Cochrane-Orcutt (corc = TRUE) regression, following the
# Stata manual's description of `prais` with default options: iterate rho from the OLS-type
# regression of e_t on e_{t-1} (no constant) on the untransformed residuals, refit on the
# quasi-differenced data, until rho changes by less than `tol`. Prais-Winsten keeps the first
# observation scaled by sqrt(1 - rho^2); Cochrane-Orcutt drops it. Rows are taken as consecutive
# in the order given (rows left out as transition are simply skipped, as for lm and sandwich).
prais_fit <- function(y, X, corc = FALSE, tol = 1e-12, max_iter = 1000) {
  n <- length(y)
  b <- qr.coef(qr(X), y)  # iteration 0: OLS
  rho_old <- 0
  for (iter in seq_len(max_iter)) {
    e <- as.vector(y - X %*% b)
    rho <- sum(e[-1] * e[-n]) / sum(e[-n]^2)
    stopifnot(abs(rho) < 1)
    ys <- y[-1] - rho * y[-n]
    Xs <- X[-1, , drop = FALSE] - rho * X[-n, , drop = FALSE]
    if (!corc) {
      ys <- c(sqrt(1 - rho^2) * y[1], ys)
      Xs <- rbind(sqrt(1 - rho^2) * X[1, ], Xs)
    }
    qx <- qr(Xs)
    b <- qr.coef(qx, ys)
    if (abs(rho - rho_old) < tol) break
    rho_old <- rho
  }
  n_used <- length(ys)
  df <- n_used - ncol(X)
  ssr <- sum((ys - Xs %*% b)^2)
  s2 <- ssr / df
  R <- qr.R(qx)
  V <- s2 * chol2inv(R)
  names(b) <- colnames(X)
  dimnames(V) <- list(colnames(X), colnames(X))
  list(coef = b, vcov = V, df = df, n = n_used, sigma = sqrt(s2), rho = rho, iterations = iter,
       converged = iter < max_iter)
}
