# R peers of the batch-fitting benchmark (bench/panel.sh).
# Usage: Rscript bench/panel.R FILE N LOOP_N
#
# FILE holds N series of 48 months as raw little-endian float64, series-major (bench/panel_data.py).
# Model: y ~ time + level1 + slope1, t = 0..47, interruption at month 24 (Stata itsa coding).
#
# 1. Loop: the first LOOP_N series one at a time, lm() and sandwich::NeweyWest(lag = 3,
#    prewhite = FALSE, adjust = TRUE): Bartlett weights 1 - j/4 and the meat scaled by n/(n - k),
#    Stata's `newey, lag(3)` and the kit's newey:3. Keeps the coefficients and the standard errors.
# 2. Matrix response: lm(Y ~ time + level1 + slope1) with Y the 48 x N matrix, coefficients of
#    every series in one call (no standard errors).
# LOOP_N = 0 runs the matrix response only. N may be less than the series in FILE: the first N are
# read. Only the fitting is timed, not reading the file. Prints one JSON line per peer; the sums and
# first values let bench/panel.sh check that every peer computed the same numbers.
suppressPackageStartupMessages(library(sandwich))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3) stop("usage: Rscript bench/panel.R FILE N LOOP_N")
file <- args[1]
n_series <- as.integer(args[2])
loop_n <- min(as.integer(args[3]), n_series)
months <- 48L

Y <- readBin(file, what = "double", n = months * n_series, size = 8, endian = "little")
if (length(Y) != months * n_series) stop(sprintf("%s: expected %d values, read %d", file, months * n_series, length(Y)))
dim(Y) <- c(months, n_series)

time <- 0:(months - 1)
level1 <- as.numeric(time >= 24)
slope1 <- ifelse(time >= 24, time - 24, 0)
d <- data.frame(y = Y[, 1], time = time, level1 = level1, slope1 = slope1)

num <- function(x) sprintf("%.17g", x)
json <- function(...) {
  f <- list(...)
  vals <- vapply(f, function(v) if (is.character(v)) sprintf("\"%s\"", v) else num(v), "")
  cat("{", paste(sprintf("\"%s\":%s", names(f), vals), collapse = ","), "}\n", sep = "")
}

# 1. One series at a time (skipped when LOOP_N is 0).
if (loop_n > 0) {
  coefs <- matrix(NA_real_, 4, loop_n)
  ses <- matrix(NA_real_, 4, loop_n)
  elapsed <- system.time({
    for (i in seq_len(loop_n)) {
      d$y <- Y[, i]
      fit <- lm(y ~ time + level1 + slope1, data = d)
      V <- NeweyWest(fit, lag = 3, prewhite = FALSE, adjust = TRUE)
      coefs[, i] <- coef(fit)
      ses[, i] <- sqrt(diag(V))
    }
  })[["elapsed"]]
  json(peer = "R lm + sandwich::NeweyWest loop", series = loop_n, seconds = elapsed,
       per_second = loop_n / elapsed, level_first = coefs[3, 1], level_se_first = ses[3, 1],
       sum_level = sum(coefs[3, ]), sum_level_se = sum(ses[3, ]))
}

# 2. All series in one lm() call.
rm(d)
invisible(gc())
# A fit under 0.5 s (small N) is repeated to fill about 0.5 s, and the mean time is reported, since
# system.time counts whole milliseconds.
elapsed <- system.time(fit <- lm(Y ~ time + level1 + slope1))[["elapsed"]]
repeats <- 1
if (elapsed < 0.5) {
  repeats <- ceiling(0.5 / max(elapsed, 0.001))
  elapsed <- system.time(for (r in seq_len(repeats)) fit <- lm(Y ~ time + level1 + slope1))[["elapsed"]] / repeats
}
b <- coef(fit)
json(peer = "R lm matrix response (coefficients only)", series = n_series, seconds = elapsed,
     per_second = n_series / elapsed, repeats = repeats, level_first = b["level1", 1],
     sum_level = sum(b["level1", ]))
