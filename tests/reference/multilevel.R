# Reference fixtures for multilevel (hierarchical) ITS across units, fitted by nlme::lme, with
# lme4::lmer as a second reference where it applies (independent errors, diagonal covariance).
#
# What: the ITS design of every unit (time from the panel's first period, level1, slope1), the
# unit's type interacted with every term (Linden's group, group:time, group:level1, group:slope1),
# and random effects per unit with a diagonal (pdDiag) or general (pdSymm) covariance, independent
# or AR(1) errors within units (corAR1(form = ~ time | unit)), by REML or ML. Each case records
#   - the fixed effects with nlme's denominator df, t, p and SEs of summary(lme), CIs from those, and
#     their covariance (vcov(lme), times N / (N - p) under ML as summary's adjustSigma does);
#   - the between-unit SDs (and correlations), sigma and phi with the CIs of intervals(lme) (Wald
#     intervals on nlme's natural scale from apVar, its finite-difference Hessian);
#   - logLik, AIC, BIC;
#   - every unit's BLUPs (ranef), its own value of each random term (the fixed effect of its type
#     plus the BLUP), and the conditional SD of each BLUP, sigma^2 (Psi - Psi Z' V^-1 Z Psi) computed
#     here from the fitted variance components (in the lme4 case checked against lmer's condVar).
# nlme runs with tight tolerances and both of its optimisers, nlminb and optim (BFGS), and the fit
# with the higher likelihood is kept: each of them stops short of the maximum on some of these cases
# (nlminb by 1e-7 in log-likelihood on the facility panel, which moves SEs by 3e-5 relative; optim by
# much more on Proposition 99). Where nlme's apVar is not positive definite, intervals() gives no
# CIs for the variance parameters and the case does not compare them.
#
# Data:
#   - a simulated facility panel written to tests/reference/multilevel_facilities.csv: 10 hospitals
#     and 20 community health centres, monthly 2016-01 to 2019-11, interruption 2017-11, with
#     random intercepts, trends, level and slope changes, and AR(1) errors (phi 0.4), seed 20250105;
#   - the Proposition 99 panel (39 states, 1970-2000), with 1989 as the interruption of every
#     state: a check of the numerics on public data, not a causal design.
#
# How to run (from the repository root):
#   Rscript tests/reference/multilevel.R
#
# Needs nlme, lme4 and jsonlite (Debian r-cran-nlme, r-cran-lme4, r-cran-jsonlite). Deterministic.

suppressPackageStartupMessages({ library(nlme); library(lme4); library(jsonlite) })

data_dir <- Sys.getenv("ITS_DATA", "data")
out_file <- file.path("tests", "reference", "multilevel.json")
panel_file <- file.path("tests", "reference", "multilevel_facilities.csv")
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

controls <- lapply(c("nlminb", "optim"), function(opt)
  lmeControl(maxIter = 500, msMaxIter = 500, niterEM = 100, msTol = 1e-14, tolerance = 1e-14, opt = opt, returnObject = TRUE))

# ---- the simulated facility panel ----
simulate_panel <- function() {
  set.seed(20250105)
  months <- format(seq(as.Date("2016-01-01"), as.Date("2019-11-01"), by = "month"), "%Y-%m")
  n <- length(months); start <- match("2017-11", months) - 1
  type <- rep(c("hospital", "community"), c(10, 20))
  rows <- lapply(seq_along(type), function(g) {
    t <- 0:(n - 1); level <- as.numeric(t >= start); slope <- pmax(0, t - start)
    hospital <- type[g] == "hospital"
    b <- c(rnorm(1, 0, if (hospital) 8 else 3), rnorm(1, 0, 0.08), rnorm(1, 0, 2), rnorm(1, 0, 0.1))
    mu <- (if (hospital) 60 else 20) + b[1] + (0.2 + b[2]) * t + ((if (hospital) -4 else 1.5) + b[3]) * level +
      ((if (hospital) -0.3 else 0.15) + b[4]) * slope
    e <- as.numeric(arima.sim(list(ar = 0.4), n, sd = 1.2))
    data.frame(facility = sprintf("F%02d", g), type = type[g], month = months, visits = round(mu + e, 3))
  })
  do.call(rbind, rows)
}

panel <- simulate_panel()
write.csv(panel, panel_file, row.names = FALSE, quote = FALSE)

# The log-likelihood of the fitted model written out with dense matrices, as a function of nlme's
# natural parameters eta = (log SD of each random effect, log((1 + r) / (1 - r)) of each correlation
# in combn order, log((1 + phi) / (1 - phi)), log sigma), beta profiled out by GLS:
#   REML: -1/2 [(N - p) log 2 pi + sum log |V_i| + r' V^-1 r + log |X' V^-1 X|], ML without the last term
# and with N log 2 pi. Checked against logLik(lme) at the estimate; its Hessian by central differences
# (step 1e-3, the four-point formula off the diagonal) gives the CIs ("ci") that nlme's intervals()
# approximates with its coarser fdHess ("ci_nlme").
dense_loglik <- function(eta, blocks, q, pairs, ar1, reml) {
  k <- length(eta)
  sigma2 <- exp(2 * eta[k])
  sds <- exp(eta[seq_len(q)])
  C <- diag(q)
  if (ncol(pairs) > 0) for (i in seq_len(ncol(pairs))) C[pairs[1, i], pairs[2, i]] <- C[pairs[2, i], pairs[1, i]] <- tanh(eta[q + i] / 2)
  Psi <- diag(sds, q) %*% C %*% diag(sds, q)
  phi <- if (ar1) tanh(eta[k - 1] / 2) else 0
  p <- ncol(blocks[[1]]$X)
  Vinv <- lapply(blocks, function(b) {
    R <- if (ar1) sigma2 * phi^abs(outer(b$time, b$time, "-")) else sigma2 * diag(length(b$y))
    V <- b$Z %*% Psi %*% t(b$Z) + R
    list(inv = solve(V), logdet = as.numeric(determinant(V)$modulus))
  })
  A <- Reduce(`+`, Map(function(b, v) t(b$X) %*% v$inv %*% b$X, blocks, Vinv))
  c <- Reduce(`+`, Map(function(b, v) t(b$X) %*% v$inv %*% b$y, blocks, Vinv))
  beta <- solve(A, c)
  quad <- sum(unlist(Map(function(b, v) { r <- b$y - b$X %*% beta; as.numeric(t(r) %*% v$inv %*% r) }, blocks, Vinv)))
  N <- sum(vapply(blocks, function(b) length(b$y), 0L))
  m <- if (reml) N - p else N
  -0.5 * (m * log(2 * pi) + sum(vapply(Vinv, `[[`, 0, "logdet")) + quad + (if (reml) as.numeric(determinant(A)$modulus) else 0))
}

central_hessian <- function(f, x, h = 1e-3) {
  d <- length(x); H <- matrix(0, d, d); f0 <- f(x)
  at <- function(i, si, j = NULL, sj = 0) { v <- x; v[i] <- v[i] + si * h; if (!is.null(j)) v[j] <- v[j] + sj * h; f(v) }
  for (i in seq_len(d)) {
    H[i, i] <- (at(i, 1) - 2 * f0 + at(i, -1)) / h^2
    if (i < d) for (j in (i + 1):d)
      H[i, j] <- H[j, i] <- (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h^2)
  }
  H
}

# ---- one case ----
# d: data frame with unit, type (or NA), period, y; the kit's spec; the R random terms.
ml_case <- function(name, d, frequency, interruption, reference, random, covariance, ar1, method, lme4_check = FALSE) {
  units <- unique(d$unit)
  periods <- sort(unique(d$period))
  first <- periods[1]
  d$time <- match(d$period, periods) - 1
  t0 <- match(interruption, periods) - 1
  d$level1 <- as.numeric(d$time >= t0)
  d$slope1 <- pmax(0, d$time - t0)
  typed <- !all(is.na(d$type))
  if (typed) {
    d$group <- as.numeric(d$type != reference)
    fixed <- y ~ time + level1 + slope1 + group + group:time + group:level1 + group:slope1
    terms <- c("intercept", "time", "level1", "slope1", "group", "group:time", "group:level1", "group:slope1")
  } else {
    fixed <- y ~ time + level1 + slope1
    terms <- c("intercept", "time", "level1", "slope1")
  }
  rhs <- paste(setdiff(random, "intercept"), collapse = " + ")
  rform <- as.formula(paste("~", if (nzchar(rhs)) rhs else "1"))
  if (!("intercept" %in% random)) rform <- as.formula(paste("~ 0 +", rhs))
  pd <- if (covariance == "diagonal") pdDiag(rform) else pdSymm(rform)
  fits <- lapply(controls, function(control) {
    args <- list(fixed = fixed, data = d, random = setNames(list(pd), "unit"), method = toupper(method), control = control)
    if (ar1) args$correlation <- corAR1(form = ~ time | unit)
    suppressWarnings(do.call(lme, args))
  })
  fit <- fits[[which.max(vapply(fits, function(f) as.numeric(logLik(f)), 0))]]
  # Where nlme's apVar is not positive definite, intervals() gives the fixed effects only: the CIs of
  # the variance parameters are then null, as the kit must report them.
  pd_ok <- !is.character(fit$apVar)
  iv <- intervals(fit, which = if (pd_ok) "all" else "fixed")
  apvar_reason <- "nlme's apVar (fdHess) is not positive definite here, so intervals() gives no CIs for the variance parameters; the kit's Hessian may be"
  ci_or_null <- function(lower, upper) if (pd_ok) unname(c(lower, upper)) else NULL
  fe <- summary(fit)$tTable
  # The standard errors of summary(lme), which under ML scale vcov(lme) by N / (N - p) (adjustSigma);
  # intervals(lme) uses vcov(lme) itself, so the CIs here are the estimate -+ t(0.975, df) SE with summary's SE.
  adjust <- if (method == "ml") nrow(d) / (nrow(d) - length(terms)) else 1
  ci <- cbind(lower = fe[, "Value"] - qt(0.975, fe[, "DF"]) * fe[, "Std.Error"], upper = fe[, "Value"] + qt(0.975, fe[, "DF"]) * fe[, "Std.Error"])
  if (method == "reml") stopifnot(max(abs(ci - iv$fixed[, c("lower", "upper")])) < 1e-8)
  coefficients <- lapply(seq_along(terms), function(j) list(
    term = terms[j], estimate = unname(fe[j, "Value"]), std_error = unname(fe[j, "Std.Error"]),
    df = unname(fe[j, "DF"]), statistic = unname(fe[j, "t-value"]), p_value = unname(fe[j, "p-value"]),
    ci = unname(c(ci[j, "lower"], ci[j, "upper"]))))
  sds <- sqrt(diag(as.matrix(getVarCov(fit))))
  re <- if (pd_ok) iv$reStruct$unit else NULL
  random_sd <- lapply(seq_along(random), function(k) list(term = random[k], sd = unname(sds[k]),
    ci = ci_or_null(re[k, "lower"], re[k, "upper"])))
  pairs <- if (covariance == "general") combn(length(random), 2) else matrix(0, 2, 0)
  rname <- ifelse(random == "intercept", "(Intercept)", random)
  correlations <- lapply(seq_len(ncol(pairs)), function(i) {
    r <- paste0("cor(", rname[pairs[1, i]], ",", rname[pairs[2, i]], ")")
    C <- cov2cor(as.matrix(getVarCov(fit)))
    list(first = random[pairs[1, i]], second = random[pairs[2, i]], correlation = C[pairs[1, i], pairs[2, i]],
         ci = ci_or_null(re[r, "lower"], re[r, "upper"]))
  })
  sigma <- list(estimate = fit$sigma, ci = ci_or_null(iv$sigma["lower"], iv$sigma["upper"]))
  phi <- if (ar1) list(estimate = unname(coef(fit$modelStruct$corStruct, unconstrained = FALSE)),
                       ci = ci_or_null(iv$corStruct["Phi", "lower"], iv$corStruct["Phi", "upper"])) else NULL

  # BLUPs, unit values and conditional SDs from the variance components: Var(b | y) = Psi - Psi Z' V^-1 Z Psi.
  b <- as.matrix(ranef(fit))
  Psi <- as.matrix(getVarCov(fit))
  s2 <- fit$sigma^2
  phi_hat <- if (ar1) coef(fit$modelStruct$corStruct, unconstrained = FALSE) else 0
  fx <- fixef(fit)
  unit_effects <- lapply(units, function(u) {
    du <- d[d$unit == u, ]
    Z <- cbind(if ("intercept" %in% random) 1 else NULL, as.matrix(du[, setdiff(random, "intercept"), drop = FALSE]))
    R <- s2 * phi_hat^abs(outer(du$time, du$time, "-"))
    if (!ar1) R <- s2 * diag(nrow(du))
    V <- Z %*% Psi %*% t(Z) + R
    cv <- Psi - Psi %*% t(Z) %*% solve(V, Z %*% Psi)
    dev <- unname(b[u, ])
    own <- vapply(seq_along(random), function(k) {
      term <- random[k]; rname <- if (term == "intercept") "(Intercept)" else term
      value <- fx[[rname]]
      if (typed && du$type[1] != reference) value <- value + fx[[if (term == "intercept") "group" else paste0(rname, ":group")]]
      value + dev[k]
    }, 0)
    list(unit = u, deviation = dev, unit_value = own, conditional_sd = sqrt(diag(cv)))
  })
  X_all <- model.matrix(fixed, d)
  blocks <- lapply(units, function(u) {
    rows <- d$unit == u
    Z <- cbind(if ("intercept" %in% random) 1 else NULL, as.matrix(d[rows, setdiff(random, "intercept"), drop = FALSE]))
    list(X = X_all[rows, , drop = FALSE], Z = Z, y = d$y[rows], time = d$time[rows])
  })
  Cor <- cov2cor(Psi)
  eta <- c(log(sqrt(diag(Psi))), vapply(seq_len(ncol(pairs)), function(i) { r <- Cor[pairs[1, i], pairs[2, i]]; log((1 + r) / (1 - r)) }, 0),
           if (ar1) log((1 + phi_hat) / (1 - phi_hat)) else NULL, log(fit$sigma))
  f_eta <- function(e) dense_loglik(e, blocks, length(random), pairs, ar1, method == "reml")
  stopifnot(abs(f_eta(eta) - as.numeric(logLik(fit))) < 1e-8 * abs(as.numeric(logLik(fit))))
  H <- central_hessian(f_eta, eta)
  se_eta <- sqrt(diag(solve(-H)))
  z <- qnorm(0.975)
  eta_ci <- function(i, back) unname(back(c(eta[i] - z * se_eta[i], eta[i] + z * se_eta[i])))
  q <- length(random)
  for (k in seq_along(random)) { random_sd[[k]]["ci_nlme"] <- list(random_sd[[k]]$ci); random_sd[[k]]$ci <- eta_ci(k, exp) }
  for (i in seq_along(correlations)) { correlations[[i]]["ci_nlme"] <- list(correlations[[i]]$ci); correlations[[i]]$ci <- eta_ci(q + i, function(v) tanh(v / 2)) }
  sigma["ci_nlme"] <- list(sigma$ci); sigma$ci <- eta_ci(length(eta), exp)
  if (ar1) { phi["ci_nlme"] <- list(phi$ci); phi$ci <- eta_ci(length(eta) - 1, function(v) tanh(v / 2)) }
  if (lme4_check) {
    bars <- paste0("(", paste(c(if ("intercept" %in% random) "1" else "0", setdiff(random, "intercept")), collapse = " + "), " || unit)")
    lf <- as.formula(paste(paste(deparse(fixed), collapse = " "), "+", bars))
    m4 <- lmer(lf, data = d, REML = method == "reml", control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-2, rhoend = 1e-12, maxfun = 1e5)))
    stopifnot(max(abs(fixef(m4) - fx) / pmax(1, abs(fx))) < 1e-5, abs(as.numeric(logLik(m4)) - as.numeric(logLik(fit))) < 1e-5)
    rd <- as.data.frame(ranef(m4, condVar = TRUE))
    cond4 <- t(vapply(units, function(u) vapply(seq_along(random), function(k)
      rd$condsd[rd$grp == u & rd$term == rname[k]], 0), numeric(length(random))))
    cond <- t(vapply(unit_effects, function(u) u$conditional_sd, numeric(length(random))))
    stopifnot(max(abs(cond4 - cond) / cond) < 1e-4)
  }
  series_units <- lapply(units, function(u) {
    du <- d[d$unit == u, ]
    list(name = u, type = if (typed) du$type[1] else NULL, series = make_series(frequency, du$period, du$y))
  })
  V <- vcov(fit) * adjust
  stopifnot(max(abs(sqrt(diag(V)) - fe[, "Std.Error"]) / fe[, "Std.Error"]) < 1e-10)
  fixture_case(
    name, "multilevel", "nlme::lme",
    data = list(units = series_units),
    spec = list(interruptions = list(interruption), impact = "level+slope", errors = "ols",
                reference = if (typed) reference else NULL, random = random, covariance = covariance,
                within = if (ar1) "ar1" else "independent", method = method),
    expected = list(
      n = nrow(d), units = length(units), coefficients = coefficients, vcov = matrix_rows(unname(V)),
      random_sd = random_sd, correlations = correlations, sigma = sigma, phi = phi,
      log_likelihood = as.numeric(logLik(fit)), aic = AIC(fit), bic = BIC(fit), unit_effects = unit_effects),
    tolerance = list(
      default = tolerance(1e-4, paste(
        "both sides reach the same maximum (log-likelihoods agree to 1e-11 relative), but where the likelihood is flat",
        "a change of 1e-8 in it, the precision of its evaluation, moves variance parameters, SEs and BLUPs by up to 5e-5 relative")),
      log_likelihood = tolerance(1e-9, "the maximum itself"),
      aic = tolerance(1e-9, "the maximum itself"),
      bic = tolerance(1e-9, "the maximum itself"),
      vcov = tolerance(1e-4, "as the estimates", scale = "variance_pair"),
      "coefficients.df" = tolerance(0, "nlme's inner-outer rule, an integer"),
      "coefficients.p_value" = tolerance(1e-4, "tail areas of t on the same df", floor = 1e-10),
      "random_sd.ci" = tolerance(1e-4, "the same likelihood and the same differences; as the estimates"),
      "correlations.ci" = tolerance(1e-4, "as random_sd.ci", floor = 0.1),
      "sigma.ci" = tolerance(1e-4, "as random_sd.ci"),
      "phi.ci" = tolerance(1e-4, "as random_sd.ci"),
      "random_sd.ci_nlme" = if (!pd_ok) not_compared(apvar_reason) else tolerance(1e-2, "nlme's apVar is a quadratic fit with steps 6e-6 |par| (fdHess), whose rounding error in the Hessian (eps |logLik| / step^2) moves the bounds by up to 4e-3 relative here (\"ci\", from central differences, agrees with the kit to 1e-4); the kit's Hessian is central differences with step 1e-3"),
      "correlations.ci_nlme" = if (!pd_ok) not_compared(apvar_reason) else tolerance(1e-2, "as random_sd.ci_nlme", floor = 0.1),
      "correlations.correlation" = tolerance(1e-4, "as the estimates, on the scale of a correlation", floor = 0.1),
      "sigma.ci_nlme" = if (!pd_ok) not_compared(apvar_reason) else tolerance(1e-2, "as random_sd.ci_nlme"),
      "phi.ci_nlme" = if (!pd_ok) not_compared(apvar_reason) else tolerance(1e-2, "as random_sd.ci_nlme"),
      "unit_effects" = tolerance(1e-4, "as the estimates, on the scale of a hundredth of the outcome's units", floor = 1e-2)))
}

facilities <- data.frame(unit = panel$facility, type = panel$type, period = panel$month, y = panel$visits)
prop99 <- read.csv(file.path(data_dir, "prop99_smoking.csv"))
states <- data.frame(unit = prop99$state, type = NA, period = as.character(as.integer(prop99$year)), y = prop99$cigsale)

random4 <- c("intercept", "time", "level1", "slope1")
cases <- list(
  ml_case("facilities-reml-diagonal", facilities, "month", "2017-11", "hospital", random4, "diagonal", FALSE, "reml", lme4_check = TRUE),
  ml_case("facilities-reml-diagonal-ar1", facilities, "month", "2017-11", "hospital", random4, "diagonal", TRUE, "reml"),
  ml_case("facilities-reml-general-ar1", facilities, "month", "2017-11", "hospital", c("intercept", "level1", "slope1"), "general", TRUE, "reml"),
  ml_case("facilities-ml-general", facilities, "month", "2017-11", "hospital", c("intercept", "time"), "general", FALSE, "ml"),
  ml_case("prop99-reml-general", states, "year", "1989", NULL, c("intercept", "time"), "general", FALSE, "reml"),
  ml_case("prop99-ml-diagonal", states, "year", "1989", NULL, random4, "diagonal", FALSE, "ml")
)

write_fixture(out_file, "multilevel.R",
              "Multilevel ITS (nlme::lme; lme4::lmer in the first case) on a simulated facility panel and on Proposition 99",
              list(R = R.version.string, nlme = as.character(packageVersion("nlme")), lme4 = as.character(packageVersion("lme4"))),
              cases)
