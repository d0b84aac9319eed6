# The fixture schema shared by every script in this folder (README.md, "Fixture schema"):
#
#   { "source": script, "description": ..., "generated_with": {...}, "cases": [case, ...] }
#   case = { "name", "kind", "call", "data", "spec", "expected", "tolerance" }
#
# `kind` names the kit's entry point the case is fitted with, `spec` holds the options in the
# kit's own grammar (as `its fit` spells them), `expected` R's numbers under the kit's names, and
# `tolerance` how closely each field must agree: the entry for a field is looked up by its path
# ("coefficients.p_value", "diagnostics.ljung_box.p_value"), then its parents, then "default".

# A tolerance entry: |kit - R| <= relative * max(|R|, floor * scale). `scale` is 1, or for a
# covariance matrix "largest_variance" (max |V_ii|) or "variance_pair" (sqrt(V_ii V_jj)), so that a
# covariance that is 0 up to rounding is compared on the scale of the variances.
tolerance <- function(relative, reason, floor = 1e-6, scale = NULL) {
  entry <- list(relative = relative, floor = floor)
  if (!is.null(scale)) entry$floor_scale <- scale
  entry$reason <- reason
  entry
}

# A field R reports but the kit is not expected to reproduce, with the reason.
not_compared <- function(reason) list(compared = FALSE, reason = reason)

# One case of the schema.
fixture_case <- function(name, kind, call, data, spec, expected, tolerance) {
  case <- list(name = name, kind = kind, call = call, data = data)
  if (!is.null(spec)) case$spec <- spec
  case$expected <- expected
  case$tolerance <- tolerance
  case
}

# A coefficient table under the kit's names: term, estimate, std_error, statistic, p_value, ci.
coefficient_rows <- function(terms, estimate, std_error, statistic = NULL, p_value = NULL,
                             lower = NULL, upper = NULL) {
  lapply(seq_along(terms), function(i) {
    row <- list(term = terms[i], estimate = unname(estimate[i]), std_error = unname(std_error[i]))
    if (!is.null(statistic)) row$statistic <- unname(statistic[i])
    if (!is.null(p_value)) row$p_value <- unname(p_value[i])
    if (!is.null(lower)) row$ci <- unname(c(lower[i], upper[i]))
    row
  })
}

# A matrix as a list of rows.
matrix_rows <- function(V) lapply(seq_len(nrow(V)), function(i) unname(V[i, ]))

# Writes the fixture file: 15 significant digits, deterministic.
write_fixture <- function(file, source, description, generated_with, cases) {
  stopifnot(!anyDuplicated(vapply(cases, `[[`, "", "name")))
  doc <- list(source = source, description = description, generated_with = generated_with,
              cases = cases)
  writeLines(jsonlite::toJSON(doc, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                              pretty = TRUE), file, useBytes = TRUE)
  cat("Wrote", length(cases), "cases to", file, "\n")
}
