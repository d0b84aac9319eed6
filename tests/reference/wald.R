# Reference fixtures for linear contrasts and joint Wald tests on a fitted ITS model
# (ItsResult.Contrast, ItsResult.Wald): computed by hand from coef() and vcov().
#
# What: for each case, the model is fitted by lm or glm on the kit's design (design.R), and
#   contrast  c'b, SE sqrt(c' V c), t (or z) = c'b / SE, two-sided p on the residual df (normal for
#             a glm, as coeftest(df = Inf)), 95% CI c'b +/- q SE, and the 90% CI of every coefficient
#             (confint(lm, level = 0.9); for the glm, b +/- qnorm(0.95) SE as confint.default);
#   joint     W = (Rb)' (R V R')^-1 (Rb) for restrictions R b = 0, F = W / q on (q, df) for lm,
#             chi-square W on q df for the glm. For the lm with classical errors, the F test of
#             level1 = slope1 = 0 is checked against anova() of the nested fits.
# Writes tests/reference/wald.json.
#
# How to run (from the repository root):   Rscript tests/reference/wald.R
# Data are read from ITS_DATA (default data, the repository's own copies): prop99_smoking.csv, sicily.csv.

suppressPackageStartupMessages({
  library(sandwich)
  library(jsonlite)
})

data_dir <- Sys.getenv("ITS_DATA", unset = "data")
out_file <- file.path("tests", "reference", "wald.json")
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

# contrasts: list of named weight vectors; restrictions: list of lists of named weight vectors.
fit_case <- function(name, series, interruptions, impact, errors, family = "gaussian", offset = NULL,
                     contrasts, joint) {
  X <- make_design(series, interruptions, impact, "none", character(0))
  y <- series$y
  if (family == "gaussian") {
    fit <- lm(y ~ X - 1)
    df <- fit$df.residual
  } else {
    fit <- glm(y ~ X - 1, family = poisson, offset = log(series$covariates[[offset]]),
               control = glm.control(epsilon = 1e-12, maxit = 100))
    df <- NULL
  }
  names(fit$coefficients) <- colnames(X)
  V <- if (errors == "ols") vcov(fit) else {
    lag <- as.integer(sub("newey:", "", errors))
    NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = TRUE)
  }
  dimnames(V) <- list(colnames(X), colnames(X))
  b <- coef(fit)
  row <- function(w) { g <- setNames(rep(0, length(b)), names(b)); g[names(w)] <- w; g }
  se <- sqrt(diag(V))
  q90 <- if (is.null(df)) qnorm(0.95) else qt(0.95, df)
  q95 <- if (is.null(df)) qnorm(0.975) else qt(0.975, df)
  tail2 <- function(s) if (is.null(df)) 2 * pnorm(-abs(s)) else 2 * pt(-abs(s), df)
  if (family == "gaussian" && errors == "ols")
    stopifnot(isTRUE(all.equal(unname(b - q90 * se), unname(confint(fit, level = 0.9)[, 1]))))
  contrast_out <- lapply(contrasts, function(w) {
    g <- row(w)
    est <- sum(g * b); s <- sqrt(as.numeric(t(g) %*% V %*% g)); stat <- est / s
    list(weights = as.list(w), estimate = est, std_error = s, statistic = stat, df = df,
         p_value = tail2(stat), ci = c(est - q95 * s, est + q95 * s))
  })
  joint_out <- lapply(joint, function(restrictions) {
    R <- do.call(rbind, lapply(restrictions, row))
    rb <- R %*% b
    w <- as.numeric(t(rb) %*% solve(R %*% V %*% t(R), rb))
    k <- nrow(R)
    if (is.null(df)) list(restrictions = lapply(restrictions, as.list), statistic = w, restriction_count = k, df_residual = NULL,
                          p_value = pchisq(w, k, lower.tail = FALSE))
    else list(restrictions = lapply(restrictions, as.list), statistic = w / k, restriction_count = k, df_residual = df,
              p_value = pf(w / k, k, df, lower.tail = FALSE))
  })
  if (family == "gaussian" && errors == "ols") {
    # The F test of the interruption terms equals the nested-model F of anova().
    keep <- !interruption_columns(X)
    restricted <- lm(y ~ X[, keep] - 1)
    a <- anova(restricted, fit)
    both <- joint_out[[1]]
    stopifnot(isTRUE(all.equal(both$statistic, a$F[2])), isTRUE(all.equal(both$p_value, a$`Pr(>F)`[2])))
  }
  spec <- list(interruptions = I(interruptions), impact = impact, seasonality = "none", family = family, errors = errors)
  if (!is.null(offset)) spec$offset <- offset
  lmc <- sprintf("%s(%s ~ %s%s)", if (family == "gaussian") "lm" else "glm", "y", paste(colnames(X)[-1], collapse = " + "),
                 if (family == "gaussian") "" else sprintf(", family = poisson, offset = log(%s)", offset))
  vc <- if (errors == "ols") "vcov(fit)" else sprintf("NeweyWest(fit, lag = %s, prewhite = FALSE, adjust = TRUE)", sub("newey:", "", errors))
  call <- sprintf("fit <- %s; V <- %s; c'b, sqrt(c'Vc); (Rb)'(RVR')^-1(Rb) by hand", lmc, vc)
  reason <- if (family == "gaussian") "closed form: the same arithmetic as R, up to rounding" else "IRLS: both sides stop at a tolerance on the deviance"
  relative <- if (family == "gaussian") 1e-8 else 1e-6
  fixture_case(name, "model", call, list(series = series), spec,
               list(coefficient_intervals_90 = lapply(seq_along(b), function(j) list(term = colnames(X)[j], ci = unname(c(b[j] - q90 * se[j], b[j] + q90 * se[j])))),
                    contrasts = contrast_out, wald_tests = joint_out),
               list(default = tolerance(relative, reason),
                    contrasts.p_value = tolerance(relative, reason, floor = 1e-8),
                    wald_tests.p_value = tolerance(relative, reason, floor = 1e-8)))
}

contrasts <- list(c(time = 1, slope1 = 1), c(level1 = 1, slope1 = 5), c(level1 = 2, slope1 = -1), c(slope1 = 1))
joint <- list(
  list(c(level1 = 1), c(slope1 = 1)),
  list(c(level1 = 1, slope1 = 5), c(time = 1, slope1 = 1)),
  list(c(slope1 = 1)))

ca <- california(data_dir)
california_series <- make_series("year", sprintf("%04d", as.integer(round(ca$year))), ca$cigsale)
sicily <- read.csv(file.path(data_dir, "sicily.csv"))
sicily_series <- make_series("month", sprintf("%04d-%02d", sicily$year, sicily$month), sicily$aces, list(stdpop = sicily$stdpop))

cases <- list(
  fit_case("california ols", california_series, "1989", "level+slope", "ols", contrasts = contrasts, joint = joint),
  fit_case("california newey:2", california_series, "1989", "level+slope", "newey:2", contrasts = contrasts, joint = joint),
  fit_case("sicily poisson", sicily_series, "2005-01", "level+slope", "ols", "poisson", "stdpop",
           contrasts = list(c(time = 1, slope1 = 1), c(level1 = 1, slope1 = 12)),
           joint = list(list(c(level1 = 1), c(slope1 = 1)))))

write_fixture(out_file, "wald.R", "Linear contrasts, joint Wald tests and 90% intervals by hand from coef() and vcov(), generated by tests/reference/wald.R",
              list(r = R.version.string, sandwich = as.character(packageVersion("sandwich")), jsonlite = as.character(packageVersion("jsonlite"))),
              cases)
