#!/usr/bin/env Rscript
# Reference fits of the trend models, the yardstick for functions/core/stats (see README.md).
#
#   Rscript stats/reference/trend-models.R <data dir> <output json>
#
# reads <data dir>/months.csv (location-months) and <data dir>/measures.csv (seclusions), fits
#   count         glm.nb(seclusions ~ period + location + offset(log(occupancy)))
#   countSlope    glm.nb(seclusions ~ period + location + monthInPeriod + offset(log(occupancy)))
#   countPoisson  glm(seclusions ~ period + location + offset(log(occupancy)), family = poisson)
#   countSlopePoisson  the same with + monthInPeriod
#   duration      glm.nb(durationMin ~ period + location)
#   isolation     glm(isolation ~ period + location, family = binomial)
# on the rows with a period (months between periods are left out; rows with a missing value
# are dropped by na.omit), period reference P0, location reference the first code in C-locale
# order, and writes every coefficient's estimate, se, z, p = 2*pnorm(-|z|), ratio = exp(est)
# and Wald interval exp(est -/+ qnorm(0.975)*se) with 17 significant digits, and the warnings R
# gave while fitting (e.g. glm.nb's "iteration limit reached" / "alternation limit reached" when
# theta cannot be estimated; the engine then refuses the NB model and fits Poisson).
suppressPackageStartupMessages(library(MASS))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript trend-models.R <data dir> <output json>")
dir <- args[[1]]
out <- args[[2]]

read <- function(name) {
  d <- read.csv(file.path(dir, name), na.strings = c("", "NA"), stringsAsFactors = FALSE,
                colClasses = c(location = "character", month = "character", period = "character"))
  d <- d[!is.na(d$period), ]
  d$period <- factor(d$period, levels = c("P0", "P1", "P2", "P3"))
  d$location <- factor(d$location, levels = sort(unique(d$location), method = "radix"))
  d
}
months <- read("months.csv")
measures <- read("measures.csv")

q <- qnorm(0.975)
# Fits, keeping the warnings instead of printing them.
fitting <- function(expr) {
  warned <- character()
  fit <- withCallingHandlers(expr, warning = function(w) {
    warned <<- c(warned, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(fit = fit, warnings = unique(warned))
}

summarise <- function(fitted) {
  fit <- fitted$fit
  s <- summary(fit)
  co <- coef(s)
  terms <- lapply(seq_len(nrow(co)), function(i) {
    est <- co[i, 1]
    se <- co[i, 2]
    z <- est / se
    list(estimate = est, se = se, z = z, p = 2 * pnorm(-abs(z)), ratio = exp(est),
         ciLow = exp(est - q * se), ciHigh = exp(est + q * se))
  })
  names(terms) <- rownames(co)
  res <- list(family = if (inherits(fit, "negbin")) "negbin" else family(fit)$family,
              n = length(fit$y), converged = fit$converged, iterations = fit$iter,
              deviance = fit$deviance)
  if (inherits(fit, "negbin")) {
    res$theta <- fit$theta
    res$thetaSe <- fit$SE.theta
    res$twoLogLik <- fit$twologlik
  }
  res$warnings <- as.list(fitted$warnings)
  res$terms <- terms
  res
}

models <- list(
  count = fitting(glm.nb(seclusions ~ period + location + offset(log(occupancy)), data = months)),
  countSlope = fitting(glm.nb(seclusions ~ period + location + monthInPeriod + offset(log(occupancy)),
                              data = months)),
  countPoisson = fitting(glm(seclusions ~ period + location + offset(log(occupancy)),
                             family = poisson, data = months)),
  countSlopePoisson = fitting(glm(seclusions ~ period + location + monthInPeriod +
                                    offset(log(occupancy)), family = poisson, data = months)),
  duration = fitting(glm.nb(durationMin ~ period + location, data = measures)),
  isolation = fitting(glm(isolation ~ period + location, family = binomial, data = measures))
)

# A small JSON writer (no package beyond MASS needed): named lists are objects, numbers keep
# 17 significant digits so they read back as the same doubles.
json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  # an unnamed list (of strings or numbers) is an array, on one line as the formatter keeps it
  if (is.list(x) && is.null(names(x)))
    return(paste0("[", paste(vapply(x, json, ""), collapse = ", "), "]"))
  if (is.list(x)) {
    items <- vapply(names(x), function(k) paste0(inner, "\"", k, "\": ", json(x[[k]], inner)), "")
    return(paste0("{\n", paste(items, collapse = ",\n"), "\n", indent, "}"))
  }
  if (is.character(x)) return(paste0("\"", gsub("\"", "\\\\\"", x, fixed = TRUE), "\""))
  if (is.logical(x)) return(if (x) "true" else "false")
  # exponents as JSON formatters write them (1e-5, not 1e-05), so the files pass `biome check`
  if (is.numeric(x) && length(x) == 1) return(sub("e\\+?(-?)0*([0-9])", "e\\1\\2", sprintf("%.17g", x)))
  stop("cannot write ", class(x))
}

result <- list(
  generatedBy = "stats/reference/trend-models.R",
  R = R.version.string,
  MASS = as.character(packageVersion("MASS")),
  models = lapply(models, summarise)
)
writeLines(json(result), out)
