# GLS with ARMA errors: nlme's (restricted) log-likelihood written out, and Satterthwaite df.
# Shared by gls.R and bench/coverage.R. Sourced, not run.

# ---------------------------------------------------------------------------------------------
# The (restricted) log-likelihood by hand, in nlme's parametrisation
# ---------------------------------------------------------------------------------------------

# Partial autocorrelations r_1..r_p -> AR coefficients (Durbin-Levinson; Jones 1980):
# a_k = r_k, a_j <- a_j - r_k a_{k-j}.
pacf_to_coef <- function(r) {
  a <- numeric(0)
  for (k in seq_along(r)) a <- c(a - r[k] * rev(a), r[k])
  a
}

# nlme's unconstrained corARMA parameters u -> (phi, theta): r = tanh(u / 2) (nlme stores
# log((1 + r) / (1 - r))); AR coefficients from the first p; MA coefficients (1 + theta_1 B + ...)
# theta = -DL(-r) of the last q (nlme ARMA_transPar with sgn = -1), so that theta_1 = r_1 for q = 1.
corpars <- function(u, p, q) {
  r <- tanh(u / 2)
  list(phi = if (p) pacf_to_coef(r[seq_len(p)]) else numeric(0),
       theta = if (q) -pacf_to_coef(-r[p + seq_len(q)]) else numeric(0))
}

# GLS pieces given u: Lambda = ARMA correlation matrix = L L', X* = L^-1 X, y* = L^-1 y.
gls_parts <- function(u, p, q, y, X) {
  cp <- corpars(u, p, q)
  n <- length(y)
  rho <- ARMAacf(ar = cp$phi, ma = cp$theta, lag.max = n - 1)
  L <- t(chol(toeplitz(unname(rho))))
  Xs <- forwardsolve(L, X)
  ys <- forwardsolve(L, y)
  qx <- qr(Xs)
  b <- qr.coef(qx, ys)
  list(b = b, rss = sum((ys - Xs %*% b)^2), logdet = 2 * sum(log(diag(L))),
       logdet_x = 2 * sum(log(abs(diag(qr.R(qx))))), R = qr.R(qx))
}

# log L(sigma2, u) = -1/2 [m log(2 pi sigma2) + log|Lambda| + RSS*/sigma2 (+ log|X*'X*| for REML)],
# m = n - k (REML) or n (ML). This is nlme's criterion: its REML omits + 1/2 log|X'X|.
loglik_full <- function(s2, u, p, q, y, X, reml) {
  z <- gls_parts(u, p, q, y, X)
  m <- length(y) - if (reml) ncol(X) else 0
  -0.5 * (m * log(2 * pi * s2) + z$logdet + z$rss / s2 + if (reml) z$logdet_x else 0)
}

# Profiled over sigma2 (sigma2 = RSS* / m).
loglik_profile <- function(u, p, q, y, X, reml) {
  z <- gls_parts(u, p, q, y, X)
  m <- length(y) - if (reml) ncol(X) else 0
  loglik_full(z$rss / m, u, p, q, y, X, reml)
}

# ---------------------------------------------------------------------------------------------
# Satterthwaite degrees of freedom (REML), by hand
# ---------------------------------------------------------------------------------------------
# theta = (sigma2, u_1, ..., u_{p+q}); V(theta) = sigma2 (X' Lambda(u)^-1 X)^-1.
# df(c) = 2 (c'Vc)^2 / (g' A g), g = d(c'Vc)/d theta, A = (-H)^-1, H = Hessian of the REML
# log-likelihood loglik_full in theta, all at the REML estimate. Central finite differences with
# steps h = 1e-3 sigma2 for sigma2 and 1e-3 for each u_i; the Hessian's off-diagonal entries by the
# four-point formula [f(++) - f(+-) - f(-+) + f(--)] / (4 h_i h_j).
satterthwaite <- function(s2, u, p, q, y, X) {
  theta <- c(s2, u)
  h <- c(1e-3 * s2, rep(1e-3, length(u)))
  d <- length(theta)
  f <- function(th) loglik_full(th[1], th[-1], p, q, y, X, TRUE)
  vc <- function(th) th[1] * chol2inv(gls_parts(th[-1], p, q, y, X)$R)
  e <- function(i) { v <- numeric(d); v[i] <- h[i]; v }
  H <- matrix(0, d, d)
  f0 <- f(theta)
  for (i in 1:d) {
    H[i, i] <- (f(theta + e(i)) - 2 * f0 + f(theta - e(i))) / h[i]^2
    if (i < d) for (j in (i + 1):d) {
      H[i, j] <- H[j, i] <- (f(theta + e(i) + e(j)) - f(theta + e(i) - e(j)) -
                             f(theta - e(i) + e(j)) + f(theta - e(i) - e(j))) / (4 * h[i] * h[j])
    }
  }
  A <- solve(-H)
  dV <- lapply(1:d, function(i) (vc(theta + e(i)) - vc(theta - e(i))) / (2 * h[i]))
  V <- vc(theta)
  vapply(seq_len(ncol(X)), function(k) {
    g <- vapply(dV, function(D) D[k, k], 0)
    2 * V[k, k]^2 / as.numeric(t(g) %*% A %*% g)
  }, 0)
}
