# Coverage benchmark, R side (Turner et al. 2021 design): for series length n in {24, 48, 100}
# and lag-1 autocorrelation rho in {0, 0.4, 0.8}, simulate 1000 series with a level and a slope
# change at the midpoint and AR(1) errors of unit marginal variance, fit each method, and report
# bias, empirical SE and coverage of the 95% CI for the level and the slope change.
#
# Run from the repository root: Rscript bench/coverage.R [replicates]   (writes bench/results/coverage-r.csv)
# bench/coverage.sh runs it beside the C# benchmark and prints both tables.

suppressPackageStartupMessages({
  library(sandwich)
  library(nlme)
})
source(file.path("tests", "reference", "prais.R"))
source(file.path("tests", "reference", "gls-likelihood.R"))

args <- commandArgs(trailingOnly = TRUE)
replicates <- if (length(args)) as.integer(args[1]) else 1000L
truth <- c(level = 1, slope = 0.1)

design <- function(n) {
  t <- 0:(n - 1); T0 <- n %/% 2
  cbind(intercept = 1, time = t, level1 = as.numeric(t >= T0), slope1 = pmax(t - T0, 0))
}

# Each method returns estimate, SE and df (Inf for z) of level1 and slope1.
methods <- list(
  ols = function(y, X) { f <- lm.fit(X, y); V <- chol2inv(qr.R(f$qr)) * sum(f$residuals^2) / f$df.residual
    list(b = f$coefficients[3:4], se = sqrt(diag(V))[3:4], df = f$df.residual) },
  "newey:1" = function(y, X) { f <- lm(y ~ X - 1); V <- NeweyWest(f, lag = 1, prewhite = FALSE, adjust = TRUE)
    list(b = coef(f)[3:4], se = sqrt(diag(V))[3:4], df = f$df.residual) },
  prais = function(y, X) { f <- prais_fit(y, X); list(b = f$coef[3:4], se = sqrt(diag(f$vcov))[3:4], df = f$df) },
  "gls-ar:1" = function(y, X) { d <- data.frame(y = y, X[, -1]); f <- gls(y ~ time + level1 + slope1, data = d, correlation = corAR1(), method = "REML")
    list(b = coef(f)[3:4], se = sqrt(diag(vcov(f)))[3:4], df = length(y) - 4) },
  "gls-ar:1:satterthwaite" = function(y, X) { d <- data.frame(y = y, X[, -1]); f <- gls(y ~ time + level1 + slope1, data = d, correlation = corAR1(), method = "REML")
    u <- coef(f$modelStruct$corStruct, unconstrained = TRUE)
    list(b = coef(f)[3:4], se = sqrt(diag(vcov(f)))[3:4], df = satterthwaite(f$sigma^2, u, 1, 0, y, X)[3:4]) },
  "arima:1,0,0" = function(y, X) { f <- arima(y, order = c(1, 0, 0), xreg = X[, -1], method = "ML")
    list(b = coef(f)[c("level1", "slope1")], se = sqrt(diag(vcov(f)))[c("level1", "slope1")], df = Inf) }
)

set.seed(20211001)
rows <- list()
timing <- system.time({
  for (n in c(24L, 48L, 100L)) for (rho in c(0, 0.4, 0.8)) {
    X <- design(n)
    mean_y <- X %*% c(10, 0.1, truth)
    sims <- replicate(replicates, as.numeric(arima.sim(list(ar = rho), n, sd = sqrt(1 - rho^2))) , simplify = FALSE)
    if (rho == 0) sims <- lapply(seq_len(replicates), function(i) rnorm(n))
    for (m in names(methods)) {
      est <- matrix(NA, replicates, 2); cover <- matrix(NA, replicates, 2)
      for (r in seq_len(replicates)) {
        fit <- tryCatch(methods[[m]](as.numeric(mean_y + sims[[r]]), X), error = function(e) NULL)
        if (is.null(fit)) next
        if (any(!is.finite(fit$df) & fit$df != Inf) || any(fit$df <= 0)) next
        q <- ifelse(is.finite(fit$df), qt(0.975, pmax(fit$df, 1e-8)), qnorm(0.975))
        est[r, ] <- fit$b
        cover[r, ] <- abs(fit$b - truth) <= q * fit$se
      }
      for (j in 1:2) rows[[length(rows) + 1]] <- data.frame(
        n = n, rho = rho, method = m, parameter = names(truth)[j],
        bias = mean(est[, j], na.rm = TRUE) - truth[j], empirical_se = sd(est[, j], na.rm = TRUE),
        coverage = mean(cover[, j], na.rm = TRUE), failures = sum(is.na(est[, j])))
    }
  }
})
dir.create(file.path("bench", "results"), showWarnings = FALSE)
out <- do.call(rbind, rows)
write.csv(out, file.path("bench", "results", "coverage-r.csv"), row.names = FALSE)
cat(sprintf("R: %d replicates per cell, %.1f s\n", replicates, timing[["elapsed"]]))
