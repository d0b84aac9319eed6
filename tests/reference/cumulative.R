# Reference fixtures for cumulative effects: the effects of a window of periods after the first
# interruption summed, with delta-method standard errors, computed by hand from coef() and vcov().
#
# What: for each case, fits the model in R (lm, glm, sandwich), then sums the fitted values and
# counterfactuals (the design row with every level and slope term set to 0) over the window:
#   fitted F = sum_h f_h, counterfactual U = sum_h u_h, absolute F - U, relative F / U - 1,
# with f_h = x_h'b (untransformed) or exp(x_h'b) times the exposure (log transform, count models,
# on the original scale), and the delta method: the gradients of F and U in b are sum_h x_h and
# sum_h xcf_h (or sum_h f_h x_h and sum_h u_h xcf_h), so
#   SE(absolute) = sqrt(g'Vg), g = gF - gU;  SE(relative) = sqrt(g'Vg), g = gF / U - gU F / U^2.
# Critical values are t on the residual df for linear models and z for count models, as the kit's.
# Writes tests/reference/cumulative.json; the C# tests read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/cumulative.R
#
# Data are read from the folder in ITS_DATA (default data, the repository's own copies).
# Only base R, stats, sandwich and jsonlite are used. The output is deterministic.

suppressPackageStartupMessages({
  library(jsonlite)
  library(sandwich)
})

data_dir <- Sys.getenv("ITS_DATA", "data")
out_file <- file.path("tests", "reference", "cumulative.json")
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

quad <- function(g, V) sqrt(as.numeric(t(g) %*% V %*% g))

# The window's sums over design rows `rows` (first_row + from .. first_row + to).
cumulative <- function(X, first_row, from, to, periods, b, V, critical, log, exposure = NULL) {
  rows <- first_row + from:to
  x <- X[rows, , drop = FALSE]
  xcf <- x
  xcf[, interruption_columns(X)] <- 0
  if (log) {
    scale <- if (is.null(exposure)) 1 else exposure[rows]
    f <- scale * exp(as.numeric(x %*% b)); u <- scale * exp(as.numeric(xcf %*% b))
    gF <- colSums(x * f); gU <- colSums(xcf * u)
  } else {
    f <- as.numeric(x %*% b); u <- as.numeric(xcf %*% b)
    gF <- colSums(x); gU <- colSums(xcf)
  }
  F <- sum(f); U <- sum(u)
  abs_se <- quad(gF - gU, V)
  rel <- F / U - 1
  rel_se <- quad(gF / U - gU * F / U^2, V)
  list(from = from, to = to, first = periods[first_row + from], last = periods[first_row + to],
       fitted = F, counterfactual = U, absolute = F - U, absolute_se = abs_se,
       absolute_ci = (F - U) + c(-1, 1) * critical * abs_se,
       relative = rel, relative_se = rel_se, relative_ci = rel + c(-1, 1) * critical * rel_se)
}

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

tolerances <- list(default = tolerance(1e-8, "closed forms from the same coefficients and covariance"))
glm_tolerances <- list(default = tolerance(1e-6, "IRLS to epsilon = 1e-12 on both sides"))

# A linear (lm) case; y_fit is the outcome on the model's scale.
linear_case <- function(name, series, label, y_fit, interruption, seasonality, errors, lag, window, window_text, transform = "none") {
  X <- make_design(series, interruption, "level+slope", seasonality, character(0))
  fit <- lm(y_fit ~ X - 1)
  V <- if (errors == "ols") vcov(fit) else NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = TRUE)
  b <- unname(coef(fit))
  first_row <- match(interruption, series$periods)
  to <- if (is.na(window[2])) length(series$periods) - first_row else window[2]
  fixture_case(
    name, kind = "model",
    call = sprintf("lm(%s ~ X - 1)%s; sums over periods %d to %d after %s by hand", label,
                   if (errors == "ols") "" else sprintf(", NeweyWest(fit, lag = %d, prewhite = FALSE, adjust = TRUE)", lag),
                   window[1], to, interruption),
    data = list(series = series),
    spec = list(interruptions = I(interruption), impact = "level+slope", seasonality = seasonality,
                transform = transform, errors = errors, cumulative = window_text),
    expected = list(
      coefficients = coefficient_rows(colnames(X), b, sqrt(diag(V))),
      cumulative = cumulative(X, first_row, window[1], to, series$periods, b, unname(V),
                              qt(0.975, fit$df.residual), log = transform == "log")),
    tolerance = tolerances)
}

# 1-2. California, Proposition 99: cigarette sales, 1989-2000 and 1992 on.
ca <- california(data_dir)
ca_series <- make_series("year", period_labels("year", 1970L, 1L, 31L), ca$cigsale)
add(linear_case("california_ols_0_11", ca_series, "cigsale", ca$cigsale, "1989", "none", "ols", 0, c(0L, 11L), "0:11"))
add(linear_case("california_newey2_from_3", ca_series, "cigsale", ca$cigsale, "1989", "none", "newey:2", 2, c(3L, NA), "3:"))

# 3. Sicily, log of the standardised rate with Fourier terms and Newey-West (lag 2), the first year.
sicily <- read.csv(file.path(data_dir, "sicily.csv"))
sicily <- sicily[order(sicily$year, sicily$month), ]
sic_periods <- sprintf("%04d-%02d", sicily$year, sicily$month)
rate <- sicily$aces / sicily$stdpop * 100000
sic_series <- make_series("month", sic_periods, rate)
add(linear_case("sicily_log_fourier2_newey2_0_11", sic_series, "log(rate)", log(rate), "2005-01", "fourier:2", "newey:2", 2,
                c(0L, 11L), "0:11", transform = "log"))

# 4. Sicily counts, Poisson with the log standard population as offset, the whole post period.
counts <- make_series("month", sic_periods, sicily$aces, list(stdpop = sicily$stdpop))
X <- make_design(counts, "2005-01", "level+slope", "fourier:2", character(0))
fit <- glm(sicily$aces ~ X - 1, family = poisson, offset = log(sicily$stdpop), control = glm.control(epsilon = 1e-12, maxit = 5000))
b <- unname(coef(fit))
first_row <- match("2005-01", sic_periods)
add(fixture_case(
  "sicily_poisson_offset_all", kind = "model",
  call = "glm(aces ~ X - 1, family = poisson, offset = log(stdpop), control = glm.control(epsilon = 1e-12, maxit = 5000)); sums over the post period by hand",
  data = list(series = counts),
  spec = list(interruptions = I("2005-01"), impact = "level+slope", seasonality = "fourier:2",
              family = "poisson", offset = "stdpop", errors = "ols", cumulative = "all"),
  expected = list(
    coefficients = coefficient_rows(colnames(X), b, sqrt(diag(vcov(fit)))),
    cumulative = cumulative(X, first_row, 0L, length(sic_periods) - first_row, sic_periods, b, unname(vcov(fit)),
                            qnorm(0.975), log = TRUE, exposure = sicily$stdpop)),
  tolerance = glm_tolerances))

write_fixture(out_file, "cumulative.R",
  "Reference cumulative effects (sums of effects over a window, delta-method SEs), generated by tests/reference/cumulative.R",
  list(r = R.version.string, sandwich = as.character(packageVersion("sandwich")),
       jsonlite = as.character(packageVersion("jsonlite"))),
  cases)
